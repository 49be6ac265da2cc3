// The cluster layer, piece by piece, on a small cluster with three tiers: what the engine says of the plan's
// NetworkPolicies and ClusterNetworkPolicies together.
import {
  type ClusterNetworkPolicy,
  type Inventory,
  type NetworkPolicy,
  type Protocol,
  buildEngine,
  buildInventory,
  snapshotFromDocuments,
  validateClusterPolicy,
} from '@bulkhead/netpol';
import {
  buildPlanReport,
  generatePlan,
  LINT_RULES,
  plannedLayers,
  semanticDiff,
  servedPorts,
  type Plan,
  type PlanEdge,
  type PlanInput,
} from '../index';
import { pod } from '../../../../test/support/plan/pod-document';

const namespace = (name: string, environment?: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(environment ? { labels: { environment } } : {}) },
});
const snapshotItems = [
  namespace('kube-system'),
  namespace('dev', 'development'),
  namespace('staging', 'staging'),
  namespace('prod', 'production'),
  pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53 }], '10.0.0.2'),
  pod('dev', 'orders-api', { app: 'orders-api' }, [{ containerPort: 8080 }], '10.0.1.1'),
  pod('dev', 'orders-debug', { app: 'orders-debug' }, [], '10.0.1.2'),
  pod('staging', 'orders-api', { app: 'orders-api' }, [{ containerPort: 8080 }], '10.0.2.1'),
  pod('prod', 'orders-api', { app: 'orders-api' }, [{ containerPort: 8080 }], '10.0.3.1'),
  pod('prod', 'postgres', { app: 'postgres' }, [{ containerPort: 5432 }], '10.0.3.2'),
];
const inventoryOf = (items: unknown[]): Inventory => buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items }]));
const inventory = inventoryOf(snapshotItems);

const edge = (src: string, dst: string, port: number, extra: Partial<PlanEdge> = {}): PlanEdge => ({
  src: `workload:${src}`,
  dst: `workload:${dst}`,
  port,
  protocol: 'TCP',
  connections: 5,
  firstSeen: '2026-11-01T00:00:00.000Z',
  lastSeen: '2026-11-05T00:00:00.000Z',
  ...extra,
});
const edges: PlanEdge[] = [
  edge('dev/orders-api', 'prod/postgres', 5432, { review: 'confirmed' }),
  edge('dev/orders-debug', 'prod/postgres', 5432),
  edge('dev/orders-debug', 'dev/orders-api', 8080),
  edge('prod/orders-api', 'prod/postgres', 5432),
  edge('staging/orders-api', 'prod/orders-api', 8080),
  { ...edge('dev/orders-api', 'kube-system/coredns', 53), protocol: 'UDP' },
];
const everyPiece = { tierIsolation: true, baselineDefaultDeny: true, intraTierPass: true };
const planOf = (input: Partial<PlanInput> = {}): Plan =>
  generatePlan({ inventory, edges, cni: 'calico', options: { clusterLayer: everyPiece }, ...input });

/** The engine over an inventory (the planned one, or one grown since) with the plan applied, plus extra NetworkPolicies. */
function verdict(
  plan: Plan,
  from: string,
  to: string,
  port: number,
  options: { on?: Inventory; extra?: NetworkPolicy[]; protocol?: Protocol } = {},
) {
  const on = options.on ?? inventory;
  const layers = plannedLayers(on, plan);
  const engine = buildEngine({
    ...on,
    policies: [...layers.policies, ...(options.extra ?? [])],
    clusterPolicies: layers.clusterPolicies ?? [],
  });
  const podNamed = (key: string) => {
    const found = on.pods.find((candidate) => `${candidate.namespace}/${candidate.name}` === key);
    if (!found) throw new Error(`no pod ${key}`);
    return found;
  };
  return engine.evaluate({ from: { pod: podNamed(from) }, to: { pod: podNamed(to) }, port, protocol: options.protocol ?? 'TCP' });
}

const allowAll = (ns: string): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: ns, name: 'allow-all' },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
});
const names = (policies: readonly ClusterNetworkPolicy[]) =>
  policies.map((policy) => `${policy.spec.tier}/${policy.spec.priority} ${policy.metadata.name}`);

describe('the cluster layer: tier isolation', () => {
  const plan = planOf({ options: { clusterLayer: { tierIsolation: true } } });

  it('denies dev -> prod in the Admin tier, and says by which rule', () => {
    const denied = verdict(plan, 'dev/orders-debug', 'prod/postgres', 5432);
    expect(denied.allowed).toBe(false);
    expect(denied.egress.decidedBy).toMatchObject({
      name: 'bulkhead-tier-isolation-dev',
      tier: 'Admin',
      rule: 'no-dev-to-prod',
      action: 'Deny',
    });
  });

  it('keeps denying dev -> prod when namespace admins add allow-all NetworkPolicies on both sides', () => {
    expect(verdict(plan, 'dev/orders-debug', 'prod/postgres', 5432, { extra: [allowAll('prod'), allowAll('dev')] }).allowed).toBe(false);
  });

  it('lets the confirmed dev -> prod edge through, on its port only, decided by the NetworkPolicies', () => {
    const allowed = verdict(plan, 'dev/orders-api', 'prod/postgres', 5432);
    expect(allowed.allowed).toBe(true);
    expect(allowed.egress.passedBy).toMatchObject({
      name: 'bulkhead-dev.orders-api-cross-tier',
      action: 'Pass',
      rule: 'confirmed-to-prod.postgres',
    });
    expect(allowed.egress.allowedBy.length).toBeGreaterThan(0);
    expect(verdict(plan, 'dev/orders-api', 'prod/postgres', 5433).egress.decidedBy?.action).toBe('Deny');
    expect(verdict(plan, 'dev/orders-api', 'prod/orders-api', 8080).egress.decidedBy?.rule).toBe('no-dev-to-prod');
  });

  it('denies an unconfirmed edge from staging into prod, and prod into the tiers below', () => {
    expect(verdict(plan, 'staging/orders-api', 'prod/orders-api', 8080).egress.decidedBy?.rule).toBe('no-staging-to-prod');
    expect(verdict(plan, 'prod/orders-api', 'dev/orders-api', 8080).egress.decidedBy?.rule).toBe('no-prod-to-dev');
  });

  it('leaves traffic within a tier and to namespaces of no tier to the NetworkPolicies', () => {
    const withinProd = verdict(plan, 'prod/orders-api', 'prod/postgres', 5432);
    expect(withinProd.allowed).toBe(true);
    expect(withinProd.egress.decidedBy).toBeUndefined();
    expect(verdict(plan, 'dev/orders-api', 'kube-system/coredns', 53, { protocol: 'UDP' }).allowed).toBe(true);
  });

  it('orders the pieces by priority: the passes, each its own, before the tier denies, which share one', () => {
    expect(names(plan.clusterLayer.policies)).toEqual([
      'Admin/0 bulkhead-dev.orders-api-cross-tier',
      'Admin/1 bulkhead-tier-isolation-dev',
      'Admin/1 bulkhead-tier-isolation-prod',
      'Admin/1 bulkhead-tier-isolation-staging',
    ]);
  });

  it('passes the cluster DNS ahead of the deny when it runs in a tier of its own', () => {
    const dnsInProd = planOf({ tiers: { 'kube-system': 'prod' }, options: { clusterLayer: { tierIsolation: true } } });
    const query = verdict(dnsInProd, 'dev/orders-debug', 'kube-system/coredns', 53, { protocol: 'UDP' });
    expect(query.allowed).toBe(true);
    expect(query.egress.passedBy?.rule).toBe('cluster-dns');
    expect(verdict(dnsInProd, 'dev/orders-debug', 'prod/postgres', 5432).allowed).toBe(false);
  });
});

describe('the cluster layer: baseline default-deny', () => {
  const plan = planOf({ options: { clusterLayer: { baselineDefaultDeny: true } } });
  const grown = inventoryOf([
    ...snapshotItems,
    namespace('sandbox'),
    pod('sandbox', 'scratch', { app: 'scratch' }, [{ containerPort: 80 }], '10.0.9.1'),
  ]);

  it('covers a namespace created after the plan: nothing in or out but the cluster DNS', () => {
    const out = verdict(plan, 'sandbox/scratch', 'dev/orders-api', 8080, { on: grown });
    expect(out.allowed).toBe(false);
    expect(out.egress.decidedBy).toMatchObject({ name: 'bulkhead-baseline-default-deny', tier: 'Baseline', action: 'Deny' });
    const into = verdict(plan, 'prod/orders-api', 'sandbox/scratch', 80, { on: grown, extra: [allowAll('prod')] });
    expect(into.allowed).toBe(false);
    expect(into.ingress.decidedBy?.name).toBe('bulkhead-baseline-default-deny');
    expect(verdict(plan, 'sandbox/scratch', 'kube-system/coredns', 53, { on: grown, protocol: 'UDP' }).allowed).toBe(true);
  });

  it('leaves the namespaces the plan covers to their NetworkPolicies', () => {
    expect(verdict(plan, 'prod/orders-api', 'prod/postgres', 5432).allowed).toBe(true);
    expect(names(plan.clusterLayer.policies)).toEqual(['Baseline/0 bulkhead-baseline-default-deny']);
  });
});

describe('the cluster layer: intra-tier pass', () => {
  const plan = planOf({ options: { clusterLayer: { intraTierPass: true } } });

  it('passes traffic within a tier to NetworkPolicy, which allows what the plan allows and denies the rest', () => {
    const observed = verdict(plan, 'dev/orders-debug', 'dev/orders-api', 8080);
    expect(observed.allowed).toBe(true);
    expect(observed.egress.passedBy).toMatchObject({ name: 'bulkhead-intra-tier-pass-dev', rule: 'within-dev', action: 'Pass' });
    const unobserved = verdict(plan, 'dev/orders-api', 'dev/orders-debug', 8080);
    expect(unobserved.allowed).toBe(false);
    expect(unobserved.egress.passedBy?.name).toBe('bulkhead-intra-tier-pass-dev');
    expect(unobserved.egress.decidedBy).toBeUndefined();
  });

  it('lets a namespace owner open traffic within the tier', () => {
    expect(verdict(plan, 'dev/orders-api', 'dev/orders-debug', 8080, { extra: [allowAll('dev')] }).allowed).toBe(true);
  });
});

describe('the cluster layer as a whole', () => {
  it('is empty unless asked for', () => {
    const plan = generatePlan({ inventory, edges, cni: 'calico' });
    expect(plan.clusterLayer.policies).toEqual([]);
    expect(plan.clusterLayer.pieces.map((piece) => [piece.piece, piece.requested, piece.included])).toEqual([
      ['tierIsolation', false, false],
      ['baselineDefaultDeny', false, false],
      ['intraTierPass', false, false],
    ]);
  });

  it('says where a rollout stages it: after prod unless the plan asks for before dev; nowhere when it holds nothing', () => {
    expect(planOf().clusterLayer.stage).toBe('afterProd');
    const first = planOf({ options: { clusterLayer: { tierIsolation: true }, guardrailStage: 'beforeDev' } });
    expect(first.clusterLayer.stage).toBe('beforeDev');
    expect(generatePlan({ inventory, edges, cni: 'calico', options: { guardrailStage: 'beforeDev' } }).clusterLayer).not.toHaveProperty(
      'stage',
    );
  });

  it.each([
    ['cilium', 'the CNI (cilium) does not implement ClusterNetworkPolicy'],
    ['weave', 'no source we hold says whether the CNI (weave) implements ClusterNetworkPolicy'],
    [undefined, "the cluster's CNI is not known"],
  ])('is left out on CNI %s, and each piece says why', (cni, reason) => {
    const plan = planOf({ cni });
    expect(plan.clusterLayer.policies).toEqual([]);
    for (const piece of plan.clusterLayer.pieces) {
      expect(piece).toMatchObject({ requested: true, included: false });
      expect(piece.reason).toContain(reason);
    }
  });

  it('comes after the Admin and Baseline policies the cluster holds from others, and replaces its own', () => {
    const theirs = (name: string, tier: 'Admin' | 'Baseline', priority: number, labels?: Record<string, string>): ClusterNetworkPolicy => ({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name, ...(labels ? { labels } : {}) },
      spec: { tier, priority, subject: { namespaces: {} }, ingress: [{ action: 'Accept', from: [{ namespaces: {} }] }] },
    });
    const plan = planOf({
      inventory: {
        ...inventory,
        clusterPolicies: [
          theirs('security', 'Admin', 40),
          theirs('defaults', 'Baseline', 7),
          theirs('bulkhead-tier-isolation-dev', 'Admin', 900, { 'app.kubernetes.io/managed-by': 'bulkhead' }),
        ],
      },
    });
    expect(names(plan.clusterLayer.policies)).toEqual([
      'Admin/41 bulkhead-dev.orders-api-cross-tier',
      'Admin/42 bulkhead-intra-tier-pass-dev',
      'Admin/42 bulkhead-intra-tier-pass-prod',
      'Admin/42 bulkhead-intra-tier-pass-staging',
      'Admin/43 bulkhead-tier-isolation-dev',
      'Admin/43 bulkhead-tier-isolation-prod',
      'Admin/43 bulkhead-tier-isolation-staging',
      'Baseline/8 bulkhead-baseline-default-deny',
    ]);
  });

  it('says why when the Admin tier has no room left after the policies of others', () => {
    const full: ClusterNetworkPolicy = {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: 'last-word' },
      spec: { tier: 'Admin', priority: 999, subject: { namespaces: {} }, egress: [{ action: 'Pass', to: [{ namespaces: {} }] }] },
    };
    const plan = planOf({ inventory: { ...inventory, clusterPolicies: [full] } });
    expect(plan.clusterLayer.pieces.find((piece) => piece.piece === 'tierIsolation')).toMatchObject({ included: false });
    expect(plan.clusterLayer.pieces.find((piece) => piece.piece === 'tierIsolation')?.reason).toContain('priorities up to 999');
    expect(plan.clusterLayer.pieces.find((piece) => piece.piece === 'baselineDefaultDeny')).toMatchObject({ included: true });
  });

  it("gives no finding of the cluster-policy lint rules on the plan's own output", () => {
    const clusterRules = new Set([
      'cluster-policy-priority-overlap',
      'pass-with-nothing-below',
      'baseline-allow-shadows-plan',
      'admin-rule-makes-policy-dead',
      'cni-ignores-cluster-policies',
      'domain-names-unsupported',
    ]);
    for (const rule of clusterRules) expect(LINT_RULES).toHaveProperty(rule);
    const plan = planOf();
    expect(plan.clusterLayer.policies.length).toBeGreaterThan(0);
    expect(plan.findings.filter((finding) => clusterRules.has(finding.rule))).toEqual([]);
  });

  it('is valid for the API server', () => {
    for (const policy of planOf().clusterLayer.policies) expect(validateClusterPolicy(policy)).toEqual([]);
  });
});

describe('the impact replay and the semantic diff, over both layers', () => {
  const adminDeny: ClusterNetworkPolicy = {
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name: 'no-debug' },
    spec: {
      tier: 'Admin',
      priority: 5,
      subject: { pods: { podSelector: { matchLabels: { app: 'orders-debug' } } } },
      egress: [{ name: 'nowhere', action: 'Deny', to: [{ namespaces: {} }] }],
    },
  };

  it("replays the edges against the cluster's cluster policies before, and the plan's layer after", () => {
    const report = buildPlanReport({ inventory: { ...inventory, clusterPolicies: [adminDeny] }, edges, cni: 'calico' });
    const impactOf = (key: string) => report.impact.edges.find((impact) => impact.key === key);
    expect(impactOf('workload:dev/orders-debug|workload:dev/orders-api|TCP|8080')).toMatchObject({ before: 'denied', after: 'denied' });
    expect(impactOf('workload:dev/orders-api|workload:prod/postgres|TCP|5432')).toMatchObject({ before: 'allowed', after: 'allowed' });
  });

  it('counts what the layer blocks that the NetworkPolicies alone would let through', () => {
    const plan = planOf({ options: { clusterLayer: { tierIsolation: true } } });
    const openEverywhere = ['dev', 'staging', 'prod'].map(allowAll);
    const diff = semanticDiff(
      inventory,
      { policies: openEverywhere },
      { policies: openEverywhere, clusterPolicies: plan.clusterLayer.policies },
      servedPorts(inventory, edges),
    );
    const blocked = diff.blocked.map((change) => `${change.from} -> ${change.to}:${change.port}`);
    expect(blocked).toContain('dev/orders-debug -> prod/postgres:5432');
    expect(blocked).toContain('staging/orders-api -> prod/orders-api:8080');
    expect(blocked).not.toContain('dev/orders-api -> prod/postgres:5432');
    expect(blocked).not.toContain('dev/orders-debug -> dev/orders-api:8080');
  });
});
