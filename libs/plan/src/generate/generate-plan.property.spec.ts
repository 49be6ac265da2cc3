// Generated clusters and dependency maps (fast-check): the plan keeps every observed flow, DNS from every
// pod, denies everything else, never allows rejected or unconfirmed cross-tier edges, and is deterministic.
import fc from 'fast-check';
import { buildInventory, snapshotFromDocuments, type Inventory } from '@bulkhead/netpol';
import { generatePlan, renderYaml, type PlanEdge, type ReviewState } from '../index';
import { checkPlanProperties } from '../../../../test/support/plan/plan-properties';
import { crossesTiers } from '../tiers';
import { propertyRuns } from '../../../../test/support/property-runs';

interface GenWorkload {
  name: string;
  pods: number;
  ports: number[];
  sharedLabel: boolean;
}
interface GenNamespace {
  env: 'production' | 'staging' | 'development' | '';
  workloads: GenWorkload[];
}

const workloadArb = (ambiguous: boolean) =>
  fc.record({
    pods: fc.integer({ min: 1, max: 2 }),
    ports: fc.uniqueArray(fc.constantFrom(80, 5432, 8080, 9090), { minLength: 0, maxLength: 2 }),
    sharedLabel: ambiguous ? fc.boolean() : fc.constant(false),
  });

const clusterArb = (ambiguous: boolean) =>
  fc
    .array(
      fc.record({
        env: fc.constantFrom<GenNamespace['env']>('production', 'staging', 'development', ''),
        workloads: fc.array(workloadArb(ambiguous), { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((namespaces) =>
      namespaces.map((ns, i) => ({ env: ns.env, workloads: ns.workloads.map((w, j) => ({ ...w, name: `svc-${i}-${j}` })) })),
    );

function toInventory(namespaces: GenNamespace[]): Inventory {
  const items: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }];
  let ip = 10;
  const pod = (
    ns: string,
    name: string,
    rs: string,
    hash: string,
    labels: Record<string, string>,
    ports: { containerPort: number; protocol: string }[],
  ) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: ns,
      name,
      labels: { ...labels, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, controller: true, uid: rs }],
    },
    spec: { containers: [{ name: 'c', ports }] },
    status: { phase: 'Running', podIP: `10.1.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}` },
  });
  for (let i = 0; i < 2; i++)
    items.push(
      pod('kube-system', `coredns-5d78c9869d-${i}x`, 'coredns-5d78c9869d', '5d78c9869d', { 'k8s-app': 'kube-dns' }, [
        { containerPort: 53, protocol: 'UDP' },
        { containerPort: 53, protocol: 'TCP' },
      ]),
    );
  namespaces.forEach((ns, i) => {
    const name = `ns-${i}`;
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: ns.env ? { environment: ns.env } : {} } });
    for (const w of ns.workloads) {
      const hash = `h${w.name.replace(/[^0-9]/g, '')}abc`;
      const labels: Record<string, string> = w.sharedLabel
        ? { app: 'shared' }
        : { 'app.kubernetes.io/name': w.name, app: w.name, version: 'v1' };
      for (let p = 0; p < w.pods; p++)
        items.push(
          pod(
            name,
            `${w.name}-${hash}-p${p}`,
            `${w.name}-${hash}`,
            hash,
            labels,
            w.ports.map((port) => ({ containerPort: port, protocol: 'TCP' })),
          ),
        );
    }
  });
  return buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items }]));
}

const TIER = { production: 'prod', staging: 'staging', development: 'dev', '': null } as const;

function scenarioArb(ambiguous: boolean) {
  return clusterArb(ambiguous).chain((namespaces) => {
    const workloads = namespaces.flatMap((ns, i) => ns.workloads.map((w) => `ns-${i}/${w.name}`));
    const edge = fc.record({
      src: fc.constantFrom(...workloads),
      dst: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...workloads).map((w) => `workload:${w}`) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 9 }).map((n) => `external:203.0.113.${n}/32`) },
        { weight: 1, arbitrary: fc.constant('workload:kube-system/coredns') },
      ),
      port: fc.constantFrom(80, 5432, 8080, 9090, 53),
      protocol: fc.constantFrom('TCP', 'UDP'),
      connections: fc.integer({ min: 1, max: 50 }),
      review: fc.constantFrom<ReviewState>('unreviewed', 'unreviewed', 'confirmed', 'rejected'),
    });
    return fc.record({ namespaces: fc.constant(namespaces), edges: fc.array(edge, { maxLength: 25 }) });
  });
}

const toEdges = (
  raw: { src: string; dst: string; port: number; protocol: string; connections: number; review: ReviewState }[],
): PlanEdge[] =>
  raw.map((e) => ({ ...e, src: `workload:${e.src}`, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-03T00:00:00.000Z' }));

describe('generated scenarios', () => {
  it('plans satisfy the spec properties when labels tell workloads apart', () => {
    fc.assert(
      fc.property(scenarioArb(false), ({ namespaces, edges: raw }) => {
        const inventory = toInventory(namespaces);
        const edges = toEdges(raw);
        const plan = generatePlan({ inventory, edges });
        const report = checkPlanProperties(inventory, plan, edges);
        expect(report).toEqual({ brokenFlows: [], dnsFailures: [], overAllowed: [], structure: [], leakedBlocked: [] });
        expect(plan.findings.filter((f) => ['duplicate-rule', 'shadowed-rule'].includes(f.rule))).toEqual([]);
        // Rejected and unconfirmed cross-tier edges are the blocked ones.
        const tierOf = (key: string) => TIER[namespaces[Number(key.split('/')[0]!.replace('workload:ns-', ''))]?.env ?? ''] ?? null;
        for (const e of edges) {
          const k = `${e.src}|${e.dst}|${e.protocol}|${e.port}`;
          const rejected = edges.some((x) => `${x.src}|${x.dst}|${x.protocol}|${x.port}` === k && x.review === 'rejected');
          const confirmed = edges.some((x) => `${x.src}|${x.dst}|${x.protocol}|${x.port}` === k && x.review === 'confirmed');
          const cross = e.dst.startsWith('workload:ns-') && crossesTiers(tierOf(e.src), tierOf(e.dst));
          const blocked = plan.blocked.find((b) => b.key === k);
          if (rejected) expect(blocked?.reason).toBe('rejected');
          else if (cross && !confirmed) expect(blocked?.reason).toBe('cross-tier-unconfirmed');
          else expect(blocked).toBeUndefined();
        }
        expect(renderYaml(generatePlan({ inventory, edges: [...edges].reverse() }).policies)).toBe(renderYaml(plan.policies));
      }),
      { numRuns: propertyRuns(60), seed: 4242 },
    );
  });

  it('when labels cannot tell workloads apart, flows still work and the plan says so', () => {
    fc.assert(
      fc.property(scenarioArb(true), ({ namespaces, edges: raw }) => {
        const inventory = toInventory(namespaces);
        const edges = toEdges(raw);
        const plan = generatePlan({ inventory, edges });
        const report = checkPlanProperties(inventory, plan, edges);
        expect(report.brokenFlows).toEqual([]);
        expect(report.dnsFailures).toEqual([]);
        expect(report.overAllowed).toEqual([]);
        expect(plan.findings.filter((f) => ['duplicate-rule', 'shadowed-rule'].includes(f.rule))).toEqual([]);
        const allowedWorkloads = new Set(
          edges
            .filter(
              (e) => !plan.blocked.some((b) => b.key === `${e.src}|${e.dst}|${e.protocol}|${e.port}`) && e.dst.startsWith('workload:ns-'),
            )
            .flatMap((e) => [e.src.slice(9), e.dst.slice(9)]),
        );
        for (const w of allowedWorkloads) {
          const [ns, name] = w.split('/');
          const gen = namespaces[Number(ns!.replace('ns-', ''))]!.workloads;
          const twins = gen.filter((g) => g.sharedLabel).length;
          if (gen.find((g) => g.name === name)?.sharedLabel && twins > 1) {
            expect(plan.findings.some((f) => f.rule === 'ambiguous-selector' && f.object === `Workload ${w}`)).toBe(true);
          }
        }
      }),
      { numRuns: propertyRuns(60), seed: 777 },
    );
  });
});
