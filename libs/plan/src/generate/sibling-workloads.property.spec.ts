// Generated clusters of sibling workloads (fast-check): Deployments of one app whose pods differ by one label
// only (`version: v1|v2`, `track: stable|canary`, ...) or lack it, as bookinfo's reviews-v1, v2 and v3 do.
// The plan allows every pair that has an edge and no other, and its own lint finds no duplicate or shadowed rule.
import fc from 'fast-check';
import { buildInventory, snapshotFromDocuments, type Inventory } from '@bulkhead/netpol';
import { generatePlan, selectWorkloads, type PlanEdge } from '../index';
import { checkPlanProperties } from '../../../../test/support/plan/plan-properties';
import { propertyRuns } from '../../../../test/support/property-runs';

/** The label siblings differ by, and its values. */
const DIFFERING = [
  { key: 'version', values: ['v1', 'v2', 'v3'] },
  { key: 'track', values: ['stable', 'canary', 'beta'] },
  { key: 'app.kubernetes.io/component', values: ['api', 'worker', 'cron'] },
  { key: 'example.com/flavour', values: ['red', 'green', 'blue'] },
] as const;

interface GenSibling {
  /** Index into the differing label's values; null: the sibling does not carry the label. */
  variant: number | null;
  pods: number;
}
interface GenApp {
  differing: number;
  siblings: GenSibling[];
  /** A label every pod of the namespace carries (a mesh's injection mark), which tells nothing apart. */
  meshLabel: boolean;
}

const appArb = fc.record({
  differing: fc.integer({ min: 0, max: DIFFERING.length - 1 }),
  // Distinct variants, at most one sibling without the label: siblings can always be told apart.
  siblings: fc
    .uniqueArray(fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }), { minLength: 1, maxLength: 3 })
    .chain((variants) =>
      fc.tuple(...variants.map((variant) => fc.record({ variant: fc.constant(variant), pods: fc.integer({ min: 1, max: 2 }) }))),
    ),
  meshLabel: fc.boolean(),
});
const clusterArb = fc.array(fc.array(appArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 });

const PORTS = [80, 8080, 9080] as const;

function toInventory(namespaces: GenApp[][]): { inventory: Inventory; workloads: string[] } {
  const items: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }];
  const workloads: string[] = [];
  let ip = 10;
  const pod = (namespace: string, workload: string, hash: string, index: number, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace,
      name: `${workload}-${hash}-p${index}`,
      labels: { ...labels, 'pod-template-hash': hash },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${workload}-${hash}`, controller: true, uid: `${workload}-${hash}` },
      ],
    },
    spec: { containers: [{ name: 'c', ports: PORTS.map((port) => ({ containerPort: port })) }] },
    status: { phase: 'Running', podIP: `10.2.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}` },
  });
  items.push(pod('kube-system', 'coredns', 'c0ffee', 0, { 'k8s-app': 'kube-dns' }));
  namespaces.forEach((apps, n) => {
    const namespace = `ns-${n}`;
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    apps.forEach((app, a) => {
      const { key, values } = DIFFERING[app.differing]!;
      app.siblings.forEach((sibling, s) => {
        const value = sibling.variant === null ? undefined : values[sibling.variant];
        const name = `app${a}-${value ?? 'plain'}`;
        workloads.push(`${namespace}/${name}`);
        const labels: Record<string, string> = { app: `app${a}`, ...(app.meshLabel ? { 'sidecar.istio.io/inject': 'true' } : {}) };
        if (value !== undefined) labels[key] = value;
        for (let p = 0; p < sibling.pods; p++) items.push(pod(namespace, name, `h${n}${a}${s}`, p, labels));
      });
    });
  });
  return { inventory: buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items }])), workloads };
}

const scenarioArb = clusterArb.chain((namespaces) => {
  const { workloads } = toInventory(namespaces);
  const edge = fc.record({
    src: fc.constantFrom(...workloads),
    dst: fc.constantFrom(...workloads),
    port: fc.constantFrom(...PORTS),
    // Edges a person declared are edges as much as observed ones: both are in the map the plan reads.
    connections: fc.integer({ min: 0, max: 20 }),
  });
  return fc.record({ namespaces: fc.constant(namespaces), edges: fc.array(edge, { maxLength: 20 }) });
});

describe('sibling workloads that differ by one label', () => {
  it('are each selected exactly, every edge stays allowed, nothing else is, and no rule duplicates or shadows another', () => {
    fc.assert(
      fc.property(scenarioArb, ({ namespaces, edges: raw }) => {
        const { inventory } = toInventory(namespaces);
        const edges: PlanEdge[] = raw.map((e) => ({
          src: `workload:${e.src}`,
          dst: `workload:${e.dst}`,
          port: e.port,
          protocol: 'TCP',
          connections: e.connections,
          firstSeen: '2026-11-01T00:00:00.000Z',
          lastSeen: '2026-11-03T00:00:00.000Z',
        }));
        expect([...selectWorkloads(inventory).values()].filter((selection) => !selection.exact)).toEqual([]);
        const plan = generatePlan({ inventory, edges });
        expect(checkPlanProperties(inventory, plan, edges)).toEqual({
          brokenFlows: [],
          dnsFailures: [],
          overAllowed: [],
          structure: [],
          leakedBlocked: [],
        });
        expect(plan.findings.filter((f) => ['duplicate-rule', 'shadowed-rule', 'ambiguous-selector'].includes(f.rule))).toEqual([]);
      }),
      { numRuns: propertyRuns(200), seed: 1414 },
    );
  });
});
