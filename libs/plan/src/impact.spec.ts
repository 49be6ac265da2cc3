// Impact replay, blast radius and semantic diff on a small cluster, every verdict from the engine.
import { buildInventory, snapshotFromDocuments, type NetworkPolicy } from '@bulkhead/netpol';
import { analyzeImpact, blastRadius, generatePlan, semanticDiff, servedPorts, type PlanEdge } from './index';

const pod = (namespace: string, name: string, labels: Record<string, string>, port: number, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: 'c', ports: [{ containerPort: port }] }] },
  status: { phase: 'Running', podIP: ip },
});
const inventory = buildInventory(
  snapshotFromDocuments([
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { environment: 'production' } } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', labels: { environment: 'development' } } },
        pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, 53, '10.0.0.2'),
        pod('a', 'web', { app: 'web' }, 8080, '10.0.1.1'),
        pod('a', 'db', { app: 'db' }, 5432, '10.0.1.2'),
        pod('b', 'dev', { app: 'dev' }, 8080, '10.0.2.1'),
      ],
    },
  ]),
);
const edges: PlanEdge[] = [
  { src: 'workload:a/web', dst: 'workload:a/db', port: 5432, protocol: 'TCP', connections: 10 },
  { src: 'workload:b/dev', dst: 'workload:a/db', port: 5432, protocol: 'TCP', connections: 1 },
  { src: 'workload:a/web', dst: 'external:api.example.com', port: 443, protocol: 'TCP', connections: 3 },
  { src: 'workload:a/web', dst: 'external:198.51.100.7/32', port: 443, protocol: 'TCP', connections: 3 },
  { src: 'reserved:host', dst: 'workload:a/web', port: 8080, protocol: 'TCP', connections: 3 },
];

describe('analyzeImpact', () => {
  const plan = generatePlan({ inventory, edges, externalAddresses: { 'api.example.com': ['198.51.100.9'] } });

  it('lists as newly blocked only the unconfirmed cross-tier edge', () => {
    const impact = analyzeImpact(inventory, { policies: [] }, { policies: plan.policies }, edges, {
      externalAddresses: { 'api.example.com': ['198.51.100.9'] },
    });
    expect(impact.newlyBlocked.map((e) => e.key)).toEqual(['workload:b/dev|workload:a/db|TCP|5432']);
    expect(impact.edges.find((e) => e.key.startsWith('workload:a/web|external:api'))?.after).toBe('allowed');
    expect(impact.unevaluated.map((e) => e.key)).toEqual(['reserved:host|workload:a/web|TCP|8080']);
  });

  it('cannot evaluate a DNS-named external without an address, and the plan asks for a CIDR', () => {
    const bare = generatePlan({ inventory, edges });
    expect(bare.blocked.find((b) => b.key.includes('api.example.com'))?.reason).toBe('external-needs-cidr');
    expect(bare.findings.some((f) => f.rule === 'external-needs-cidr')).toBe(true);
    const impact = analyzeImpact(inventory, { policies: [] }, { policies: bare.policies }, edges);
    expect(impact.unevaluated.some((e) => e.key.includes('api.example.com'))).toBe(true);
  });
});

describe('blastRadius', () => {
  it('counts the workloads and listening ports a compromised pod reaches, before and after', () => {
    const plan = generatePlan({ inventory, edges });
    const before = blastRadius(inventory, { policies: [] }, { edges });
    const after = blastRadius(inventory, { policies: plan.policies }, { edges });
    const web = (r: typeof before) => r.workloads.find((w) => w.workload === 'a/web')!;
    expect(web(before)).toEqual({ workload: 'a/web', reachableWorkloads: 3, reachablePorts: 3 });
    // after: db on 5432 and the DNS on 53
    expect(web(after)).toEqual({ workload: 'a/web', reachableWorkloads: 2, reachablePorts: 2 });
    expect(after.workloads.find((w) => w.workload === 'b/dev')!.reachableWorkloads).toBe(1);
    expect(after.cluster.totalReachablePorts).toBeLessThan(before.cluster.totalReachablePorts);
    expect(after.namespaces.map((n) => n.namespace)).toEqual(['a', 'b', 'kube-system']);
  });
});

const allowWeb: NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'db', namespace: 'a' },
  spec: {
    podSelector: { matchLabels: { app: 'db' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }],
  },
};
const isolateAll: NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny', namespace: 'a' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};

describe('servedPorts', () => {
  it("holds each workload's container ports and the ports flows reached it on, and no port of another workload", () => {
    const served = servedPorts(inventory, [
      ...edges,
      { src: 'workload:a/web', dst: 'workload:a/db', port: 9187, protocol: 'TCP', connections: 1 },
      { src: 'workload:a/web', dst: 'workload:a/db', port: null, protocol: 'ICMP', connections: 1 },
    ]);
    expect(served.get('a/db')).toEqual([
      { port: 5432, protocol: 'TCP' },
      { port: 9187, protocol: 'TCP' },
    ]);
    expect(served.get('a/web')).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(served.get('kube-system/coredns')).toEqual([{ port: 53, protocol: 'TCP' }]);
  });
});

describe('semanticDiff', () => {
  const served = servedPorts(inventory, edges);

  it('lists the connections that become allowed or blocked, on the ports the destination serves', () => {
    const diff = semanticDiff(inventory, { policies: [] }, { policies: [allowWeb] }, served);
    expect(diff.allowed).toEqual([]);
    expect(diff.blocked.map((c) => `${c.from}->${c.to}:${c.port}`)).toEqual([
      'a/db->a/db:5432',
      'b/dev->a/db:5432',
      'kube-system/coredns->a/db:5432',
    ]);
    const back = semanticDiff(inventory, { policies: [allowWeb] }, { policies: [] }, served);
    expect(back.allowed.length).toBe(3);
    expect(back.blocked).toEqual([]);
  });

  it('counts no connection on a port the destination does not serve, and keeps that figure apart, labelled', () => {
    const diff = semanticDiff(inventory, { policies: [] }, { policies: [isolateAll] }, served);
    // a/db serves 5432, a/web 8080: 4 sources each, nothing on 53 or the other workload's port
    expect(diff.blocked.map((c) => `${c.to}:${c.port}`).sort()).toEqual([...Array(4).fill('a/db:5432'), ...Array(4).fill('a/web:8080')]);
    // every pair into a/db and a/web, on each of the 3 ports some workload serves (53, 5432, 8080)
    expect(diff.onEveryPort).toEqual({ allowed: 0, blocked: 4 * 2 * 3, changed: 0, ports: 3 });
  });

  it('tells the story the blast radius tells: the reach lost is the connections blocked, less those into the source itself', () => {
    const before = blastRadius(inventory, { policies: [] }, { edges });
    const after = blastRadius(inventory, { policies: [isolateAll] }, { edges });
    const diff = semanticDiff(inventory, { policies: [] }, { policies: [isolateAll] }, served);
    const toOthers = diff.blocked.filter((c) => c.from !== c.to).length;
    expect(before.cluster.totalReachablePorts - after.cluster.totalReachablePorts).toBe(toOthers);
  });
});
