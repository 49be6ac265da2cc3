// The demo cluster end to end: flows -> edges -> plan, checked by the engine against the spec's properties.
import { demoCluster } from '@bulkhead/demo';
import { importFlowText } from '@bulkhead/flows';
import { PlainEvaluator, buildEngine, buildInventory, snapshotFromDocuments, type Inventory, type NetworkPolicy } from '@bulkhead/netpol';
import {
  analyzeImpact,
  blastRadius,
  generatePlan,
  plannedLayers,
  renderJsonList,
  renderYaml,
  type Plan,
  type PlanEdge,
  type PlanInput,
} from './index';
import { checkPlanProperties } from '../../../test/support/plan/plan-properties';

const cluster = demoCluster({ start: new Date('2026-11-01T00:00:00Z') });
const inventory: Inventory = buildInventory(snapshotFromDocuments([cluster.snapshot]));
const imported = importFlowText(cluster.hubbleFlows.join('\n'), inventory);
const edges: PlanEdge[] = imported.edges.map((e) => ({
  src: e.src.key,
  dst: e.dst.key,
  port: e.port,
  protocol: e.protocol,
  connections: e.connections,
  firstSeen: e.firstSeen,
  lastSeen: e.lastSeen,
}));
const externalAddresses = { 'api.stripe.com': ['198.51.100.10', '198.51.100.11'], 'api.sendgrid.com': ['198.51.100.20'] };
const apiServer = ['10.0.0.10'];
const input: PlanInput = { inventory, edges, cni: cluster.cni, externalAddresses, apiServerAddresses: apiServer };
const plan: Plan = generatePlan(input);
const key = (d: { from: string; to: string; port: number; protocol: string }) =>
  `workload:${d.from}|workload:${d.to}|${d.protocol}|${d.port}`;
const podOf = (workload: string) => inventory.pods.find((p) => `${p.namespace}/${p.workload.name}` === workload)!;

describe('plan of the demo cluster', () => {
  it('keeps every observed flow allowed, DNS working from every pod, and nothing else', () => {
    const report = checkPlanProperties(inventory, plan, edges, { externalAddresses, apiServer });
    expect(report.brokenFlows).toEqual([]);
    expect(report.dnsFailures).toEqual([]);
    expect(report.overAllowed).toEqual([]);
    expect(report.structure).toEqual([]);
    expect(report.leakedBlocked).toEqual([]);
  });

  it('blocks the incident (dev -> prod postgres) until a person confirms it', () => {
    const incident = key(cluster.incident);
    expect(plan.blocked.find((b) => b.key === incident)?.reason).toBe('cross-tier-unconfirmed');
    expect(plan.findings.some((f) => f.rule === 'cross-tier-edge' && f.object.includes(incident))).toBe(true);
    // the legacy namespace has no tier: its call into prod is allowed, and said to be unverifiable
    expect(plan.findings.find((f) => f.rule === 'unknown-tier-edge')?.object).toBe(
      'Edge workload:legacy-reporting/report-builder|workload:orders-prod/orders-api|TCP|8080',
    );
    const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies: plan.policies });
    const traffic = {
      from: { pod: podOf(cluster.incident.from) },
      to: { pod: podOf(cluster.incident.to) },
      port: 5432,
      protocol: 'TCP' as const,
    };
    expect(evaluator.evaluate(traffic).allowed).toBe(false);

    const confirmed = generatePlan({
      ...input,
      edges: edges.map((e) => (`${e.src}|${e.dst}|${e.protocol}|${e.port}` === incident ? { ...e, review: 'confirmed' as const } : e)),
    });
    expect(confirmed.blocked.map((b) => b.key)).not.toContain(incident);
    expect(
      new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies: confirmed.policies }).evaluate(traffic)
        .allowed,
    ).toBe(true);
    expect(checkPlanProperties(inventory, confirmed, edges, { externalAddresses, apiServer }).brokenFlows).toEqual([]);
  });

  it('never allows a rejected edge, even inside one tier', () => {
    const target = edges.find((e) => e.src === 'workload:orders-prod/orders-api' && e.dst === 'workload:payments-prod/payments-api')!;
    const rejected = generatePlan({ ...input, edges: edges.map((e) => (e === target ? { ...e, review: 'rejected' as const } : e)) });
    const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies: rejected.policies });
    expect(
      evaluator.evaluate({
        from: { pod: podOf('orders-prod/orders-api') },
        to: { pod: podOf('payments-prod/payments-api') },
        port: 8080,
        protocol: 'TCP',
      }).allowed,
    ).toBe(false);
    expect(rejected.blocked.find((b) => b.edge.src === target.src && b.edge.dst === target.dst)?.reason).toBe('rejected');
  });

  it('cannot know the hidden dependency: it is blocked from the flows alone and allowed once added as an edge', () => {
    const hidden = cluster.hiddenDependencies[0]!;
    const traffic = { from: { pod: podOf(hidden.from) }, to: { pod: podOf(hidden.to) }, port: hidden.port, protocol: hidden.protocol };
    expect(
      new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies: plan.policies }).evaluate(traffic).allowed,
    ).toBe(false);
    const added = generatePlan({
      ...input,
      edges: [
        ...edges,
        {
          src: `workload:${hidden.from}`,
          dst: `workload:${hidden.to}`,
          port: hidden.port,
          protocol: hidden.protocol,
          connections: 0,
          review: 'confirmed',
        },
      ],
    });
    expect(
      new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies: added.policies }).evaluate(traffic).allowed,
    ).toBe(true);
  });

  it('is deterministic: byte-identical YAML and JSON for the same input, whatever the edge order', () => {
    const again = generatePlan({ ...input, edges: [...edges].reverse() });
    expect(renderYaml(again.policies)).toBe(renderYaml(plan.policies));
    expect(renderJsonList(again.policies)).toBe(renderJsonList(plan.policies));
    expect(JSON.stringify(again.findings)).toBe(JSON.stringify(plan.findings));
  });

  it('names peers by namespace AND stable pod labels, never by revision or per-pod labels', () => {
    const text = renderYaml(plan.policies);
    for (const banned of [
      'pod-template-hash',
      'controller-revision-hash',
      'statefulset.kubernetes.io/pod-name',
      'job-name',
      'controller-uid',
    ])
      expect(text).not.toContain(banned);
    expect(plan.policies.every((p) => p.metadata.labels?.['app.kubernetes.io/managed-by'] === 'bulkhead')).toBe(true);
  });

  it('attaches evidence to every allow rule and flags the weekly CronJob as under-observed', () => {
    for (const ev of plan.evidence.filter((e) => e.purpose === 'dependency')) {
      expect(ev.edges.length).toBeGreaterThan(0);
      expect(ev.firstSeen).not.toBeNull();
    }
    expect(plan.risks.find((r) => r.workload === 'orders-prod/orders-weekly-report')?.kind).toBe('job');
    const ordersProd = plan.observation.find((o) => o.namespace === 'orders-prod')!;
    expect(ordersProd.spanHours).toBeGreaterThan(100);
    expect(ordersProd.tier).toBe('prod');
  });

  it('replays the flows: only the unconfirmed cross-tier edge becomes blocked', () => {
    const impact = analyzeImpact(inventory, { policies: inventory.policies }, { policies: plan.policies }, edges, {
      externalAddresses,
      apiServerAddresses: apiServer,
    });
    expect(impact.newlyBlocked.map((e) => e.key)).toEqual([key(cluster.incident)]);
  });

  it('shrinks the blast radius', () => {
    const before = blastRadius(inventory, { policies: inventory.policies }, { edges });
    const after = blastRadius(inventory, { policies: plan.policies }, { edges });
    expect(after.cluster.meanReachableWorkloads).toBeLessThan(before.cluster.meanReachableWorkloads / 5);
    const debugBefore = before.workloads.find((w) => w.workload === 'orders-dev/orders-debug')!;
    const debugAfter = after.workloads.find((w) => w.workload === 'orders-dev/orders-debug')!;
    expect(debugAfter.reachableWorkloads).toBeLessThan(debugBefore.reachableWorkloads);
    // orders-debug keeps only the dev database and DNS
    expect(debugAfter.reachableWorkloads).toBe(2);
  });
});

describe('guardrails of the demo cluster', () => {
  const guarded = { tierIsolation: true, baselineDefaultDeny: true, intraTierPass: true };
  const allowAllIn = (namespace: string): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-all', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] },
  });

  it('keeps orders-debug (dev) from postgres-prod even after an allow-all NetworkPolicy in postgres-prod, on a CNI that enforces the tiers', () => {
    // The demo runs Cilium, which does not implement ClusterNetworkPolicy: planned here as a Calico cluster.
    const planned = generatePlan({ ...input, cni: 'calico', options: { clusterLayer: guarded } });
    const layers = plannedLayers(inventory, planned);
    const engine = buildEngine({
      ...inventory,
      policies: [...layers.policies, allowAllIn('postgres-prod')],
      clusterPolicies: layers.clusterPolicies ?? [],
    });
    const incident = {
      from: { pod: podOf(cluster.incident.from) },
      to: { pod: podOf(cluster.incident.to) },
      port: 5432,
      protocol: 'TCP' as const,
    };
    const verdict = engine.evaluate(incident);
    expect(verdict.ingress.allowed).toBe(true);
    expect(verdict.allowed).toBe(false);
    expect(verdict.egress.decidedBy).toMatchObject({
      name: 'bulkhead-tier-isolation-dev',
      tier: 'Admin',
      rule: 'no-dev-to-prod',
      action: 'Deny',
    });
    expect(
      checkPlanProperties(inventory, planned, edges, { externalAddresses, apiServer, clusterPolicies: layers.clusterPolicies }),
    ).toEqual({
      brokenFlows: [],
      dnsFailures: [],
      overAllowed: [],
      structure: [],
      leakedBlocked: [],
    });
  });

  it("leaves the layer out on the demo's own CNI, and says why", () => {
    const planned = generatePlan({ ...input, options: { clusterLayer: guarded } });
    expect(planned.clusterLayer.policies).toEqual([]);
    expect(planned.clusterLayer.pieces.map((piece) => piece.reason)).toEqual(
      Array(3).fill(
        'the CNI (cilium) does not implement ClusterNetworkPolicy: the API server would accept the guardrails and nothing would enforce them',
      ),
    );
  });
});

describe('the property checker itself', () => {
  it('catches a plan that breaks a flow, DNS or lets too much through', () => {
    const withoutDns = {
      ...plan,
      policies: plan.policies.filter((p) => p.metadata.name !== 'bulkhead-allow-dns' || p.metadata.namespace !== 'orders-prod'),
    };
    expect(checkPlanProperties(inventory, withoutDns, edges, { externalAddresses, apiServer }).dnsFailures.length).toBeGreaterThan(0);
    const withoutEgress = { ...plan, policies: plan.policies.filter((p) => p.metadata.name !== 'bulkhead-orders-api-egress') };
    expect(checkPlanProperties(inventory, withoutEgress, edges, { externalAddresses, apiServer }).brokenFlows.length).toBeGreaterThan(0);
    const allowAll = {
      ...plan,
      policies: [
        ...plan.policies,
        ...['postgres-prod', 'orders-dev'].map((namespace) => ({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'open', namespace },
          spec: { podSelector: {}, ingress: [{}], egress: [{}], policyTypes: ['Ingress', 'Egress'] },
        })),
      ],
    };
    const report = checkPlanProperties(inventory, allowAll, edges, { externalAddresses, apiServer });
    expect(report.overAllowed.length).toBeGreaterThan(0);
    expect(report.leakedBlocked.length).toBeGreaterThan(0);
    expect(report.structure.length).toBeGreaterThan(0);
  });
});
