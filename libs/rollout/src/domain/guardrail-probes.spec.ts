import { selectGuardrailProbes, type GuardrailProbeInput } from './guardrail-probes';
import type { DependencyEdge, InventoryNamespaceInput } from './probes';

/** The probes of the cluster stage: across tiers and namespaces, chosen from the map. */
const namespaces: InventoryNamespaceInput[] = [
  {
    name: 'orders-dev',
    tier: 'dev',
    workloads: [
      { name: 'orders-debug', ports: [{ port: 8080 }] },
      { name: 'orders-api', ports: [{ port: 8080 }] },
    ],
  },
  { name: 'orders-staging', tier: 'staging', workloads: [{ name: 'orders-api', ports: [{ port: 8080 }] }] },
  { name: 'orders-prod', tier: 'prod', workloads: [{ name: 'orders-api', ports: [{ port: 8080 }] }] },
  { name: 'postgres-prod', tier: 'prod', workloads: [{ name: 'postgres', ports: [{ port: 5432 }], dataStore: true }] },
];
const edge = (from: string, to: string, port: number): DependencyEdge => {
  const [fromNs, fromWl] = from.split('/') as [string, string];
  const [toNs, toWl] = to.split('/') as [string, string];
  return { from: { namespace: fromNs, workload: fromWl }, to: { namespace: toNs, workload: toWl }, port, protocol: 'TCP' };
};
const input: GuardrailProbeInput = {
  allowed: [
    edge('orders-prod/orders-api', 'postgres-prod/postgres', 5432), // same tier: NetworkPolicy's business
    edge('orders-staging/orders-api', 'orders-prod/orders-api', 8080), // confirmed across tiers
  ],
  forbidden: [edge('orders-dev/orders-debug', 'postgres-prod/postgres', 5432)], // the incident
  namespaces,
  tierIsolation: true,
};
const byKind = (kind: string) =>
  selectGuardrailProbes(input)
    .filter((probe) => probe.kind === kind)
    .map((probe) => `${probe.from} -> ${probe.to}${probe.port ? `:${probe.port}` : ''}`);

describe('the cluster stage’s probes', () => {
  it('expects every confirmed edge between tiers to connect, and none within a tier', () => {
    expect(byKind('must-connect')).toEqual(['orders-staging/orders-api -> orders-prod/orders-api:8080']);
  });

  it('expects the incident seen in the map, and dev reaching every prod data store, to be blocked', () => {
    const blocked = byKind('must-be-blocked');
    expect(blocked).toContain('orders-dev/orders-debug -> postgres-prod/postgres:5432');
    // the incident already has dev reaching postgres: no second dev probe to it
    expect(blocked.filter((text) => text.startsWith('orders-dev/') && text.endsWith('postgres-prod/postgres:5432'))).toHaveLength(1);
  });

  it('covers every ordered pair of tiers with a blocked probe between namespaces, never an allowed edge', () => {
    const probes = selectGuardrailProbes(input).filter((probe) => probe.kind === 'must-be-blocked');
    const tierOf = (ref: string) => namespaces.find((ns) => ns.name === ref.split('/')[0])!.tier;
    const pairs = new Set(probes.map((probe) => `${tierOf(probe.from)}>${tierOf(probe.to)}`));
    expect([...pairs].sort()).toEqual(['dev>prod', 'dev>staging', 'prod>dev', 'prod>staging', 'staging>dev', 'staging>prod']);
    for (const probe of probes) {
      expect(probe.to).not.toBe('orders-prod/orders-api'); // staging reaches it through the confirmed edge
      expect(probe.from.split('/')[0]).not.toBe(probe.to.split('/')[0]);
    }
  });

  it('checks DNS from one workload of each tier', () => {
    expect(byKind('must-resolve')).toEqual([
      'orders-dev/orders-api -> kubernetes.default.svc.cluster.local:53',
      'orders-staging/orders-api -> kubernetes.default.svc.cluster.local:53',
      'orders-prod/orders-api -> kubernetes.default.svc.cluster.local:53',
    ]);
  });

  it('expects nothing blocked without tier isolation (a Baseline deny leaves that to the namespaces), and is the same every time', () => {
    expect(selectGuardrailProbes({ ...input, tierIsolation: false }).some((probe) => probe.kind === 'must-be-blocked')).toBe(false);
    expect(selectGuardrailProbes(input)).toEqual(selectGuardrailProbes({ ...input, namespaces: [...namespaces].reverse() }));
  });
});
