import { parseWorkloadRef, selectProbes, type DependencyEdge, type InventoryNamespaceInput } from './probes';

const inventory: InventoryNamespaceInput[] = [
  {
    name: 'shop',
    tier: 'prod',
    workloads: [
      { name: 'web', ports: [{ port: 8080 }] },
      { name: 'db', ports: [{ port: 5432 }], dataStore: true },
    ],
  },
  {
    name: 'payments',
    tier: 'prod',
    workloads: [
      { name: 'api', ports: [{ port: 9000 }] },
      { name: 'ledger-db', ports: [{ port: 5432 }], dataStore: true },
    ],
  },
  { name: 'analytics', tier: 'prod', workloads: [{ name: 'etl', ports: [] }] },
  { name: 'shop-staging', tier: 'staging', workloads: [{ name: 'web', ports: [{ port: 8080 }] }] },
  {
    name: 'shop-dev',
    tier: 'dev',
    workloads: [
      { name: 'web', ports: [{ port: 8080 }] },
      { name: 'db', ports: [{ port: 5432 }], dataStore: true },
    ],
  },
];
const edges: DependencyEdge[] = [
  { from: { namespace: 'shop', workload: 'web' }, to: { namespace: 'shop', workload: 'db' }, port: 5432 },
  { from: { namespace: 'shop', workload: 'web' }, to: { namespace: 'payments', workload: 'api' }, port: 9000 },
  { from: { namespace: 'payments', workload: 'api' }, to: { namespace: 'shop', workload: 'web' }, port: 8080, protocol: 'TCP' },
  { from: { namespace: 'shop-dev', workload: 'web' }, to: { namespace: 'shop-dev', workload: 'db' }, port: 5432 },
];

describe('selectProbes', () => {
  const probes = selectProbes({ namespace: 'shop', edges, namespaces: inventory });
  const ofKind = (kind: string) => probes.filter((p) => p.kind === kind);

  it('must-connect: every allowed edge touching the namespace, inbound and outbound', () => {
    expect(ofKind('must-connect').map((p) => `${p.from}->${p.to}:${p.port}`)).toEqual([
      'payments/api->shop/web:8080',
      'shop/web->payments/api:9000',
      'shop/web->shop/db:5432',
    ]);
  });

  it('must-resolve: DNS from every workload of the namespace', () => {
    expect(ofKind('must-resolve').map((p) => p.from)).toEqual(['shop/db', 'shop/web']);
    expect(ofKind('must-resolve')[0]).toMatchObject({ to: 'kubernetes.default.svc.cluster.local', port: 53, protocol: 'UDP' });
  });

  it('must-be-blocked: always one from every other tier, and dev reaching the prod data store', () => {
    const blocked = ofKind('must-be-blocked');
    expect(blocked.some((p) => p.from.startsWith('shop-staging/'))).toBe(true);
    expect(blocked.some((p) => p.from.startsWith('shop-dev/'))).toBe(true);
    expect(blocked.find((p) => p.to === 'shop/db' && p.from.startsWith('shop-dev/'))?.reason).toBe('dev reaching a prod data store');
    expect(blocked.length).toBeGreaterThanOrEqual(3);
    expect(blocked.length).toBeLessThanOrEqual(6);
    expect(blocked.every((p) => p.to.startsWith('shop/'))).toBe(true);
  });

  it('never expects an allowed pair to be blocked', () => {
    const allowed = new Set(edges.map((e) => `${e.from.namespace}/${e.from.workload}->${e.to.namespace}/${e.to.workload}:${e.port}`));
    const all = selectProbes({ namespace: 'shop', edges, namespaces: inventory, blockedSample: 100 });
    for (const p of all.filter((x) => x.kind === 'must-be-blocked')) expect(allowed.has(`${p.from}->${p.to}:${p.port}`)).toBe(false);
    expect(all.filter((x) => x.kind === 'must-be-blocked').length).toBeGreaterThan(6);
  });

  it('fills the sample with unrelated namespaces before dependencies', () => {
    const blocked = selectProbes({ namespace: 'shop', edges, namespaces: inventory, blockedSample: 5 }).filter(
      (p) => p.kind === 'must-be-blocked',
    );
    expect(blocked.some((p) => p.from.startsWith('analytics/'))).toBe(true);
  });

  it('a dev namespace whose egress is denied also proves it cannot reach prod data stores', () => {
    const dev = selectProbes({ namespace: 'shop-dev', edges, namespaces: inventory, egressDenied: true }).filter(
      (p) => p.kind === 'must-be-blocked',
    );
    expect(
      dev
        .filter((p) => p.from.startsWith('shop-dev/'))
        .map((p) => p.to)
        .sort(),
    ).toEqual(['payments/ledger-db', 'shop/db']);
    const open = selectProbes({ namespace: 'shop-dev', edges, namespaces: inventory }).filter((p) => p.kind === 'must-be-blocked');
    expect(open.some((p) => p.from.startsWith('shop-dev/'))).toBe(false);
  });

  it('is deterministic and ids are unique', () => {
    expect(selectProbes({ namespace: 'shop', edges: [...edges].reverse(), namespaces: inventory })).toEqual(probes);
    expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
  });

  it('custom DNS names', () => {
    const p = selectProbes({ namespace: 'analytics', edges, namespaces: inventory, dnsNames: ['db.internal', 'api.example.com'] });
    expect(p.filter((x) => x.kind === 'must-resolve').map((x) => x.to)).toEqual(['db.internal', 'api.example.com']);
  });

  it('refuses a namespace missing from the inventory', () => {
    expect(() => selectProbes({ namespace: 'nope', edges, namespaces: inventory })).toThrow(RangeError);
  });
});

describe('parseWorkloadRef', () => {
  it('reads back the workloads each must-connect probe joins', () => {
    const connect = selectProbes({ namespace: 'shop', edges, namespaces: inventory }).filter((p) => p.kind === 'must-connect');
    expect(connect.map((p) => ({ from: parseWorkloadRef(p.from), to: parseWorkloadRef(p.to) }))).toEqual([
      { from: { namespace: 'payments', workload: 'api' }, to: { namespace: 'shop', workload: 'web' } },
      { from: { namespace: 'shop', workload: 'web' }, to: { namespace: 'payments', workload: 'api' } },
      { from: { namespace: 'shop', workload: 'web' }, to: { namespace: 'shop', workload: 'db' } },
    ]);
  });

  it('refuses text that names no workload', () => {
    expect(() => parseWorkloadRef('kubernetes.default.svc.cluster.local')).toThrow(RangeError);
  });
});
