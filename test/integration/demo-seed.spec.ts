import { createLogger, UploadStorage } from '@bulkhead/platform';
import { join } from 'node:path';
import { seedDemo } from '../../apps/api/src/demo/seed-demo';
import { FLOW_IMPORT_DEPS, INVENTORY_DEPS } from '../../apps/api/src/stores.providers';
import { type Harness, startApi } from './support/harness';

let api: Harness;
let clusterId: string;
type Edge = { from: string; to: string; port: number; protocol: string; crossTier: boolean; connections: number };
let edges: Edge[];

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  const deps = { ...api.app.get(INVENTORY_DEPS), ...api.app.get(FLOW_IMPORT_DEPS), sealer: api.runtime.secrets };
  const uploads = new UploadStorage(join(api.config.dataDir, 'uploads'));
  clusterId = (await seedDemo(deps, api.db, uploads, new Date('2026-11-28T12:00:00Z'), createLogger('silent')))!;
  const imports = await api.call('GET', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'viewer' });
  await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${imports.body.items[0].id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded',
    30000,
  );
  edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
}, 60000);
afterAll(() => api.close());

describe('the demo cluster seeded at first start', () => {
  it('is a flat cluster of a few dozen namespaces across dev, staging and prod', async () => {
    const cluster = await api.call('GET', `/api/v1/clusters/${clusterId}`, { role: 'viewer' });
    expect(cluster.body).toMatchObject({ name: 'demo-flat', cni: 'cilium', enforcesNetworkPolicy: true });
    const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body as Array<{
      tier: string | null;
    }>;
    expect(namespaces.length).toBeGreaterThanOrEqual(24);
    for (const tier of ['dev', 'staging', 'prod']) expect(namespaces.filter((n) => n.tier === tier).length).toBeGreaterThanOrEqual(7);
  });

  it('shows the incident in the map: a dev pod reaching the production database, flagged as cross-tier', () => {
    const incident = edges.filter((e) => e.to === 'postgres-prod/postgres' && e.from.endsWith('-dev/orders-debug'));
    expect(incident).toEqual([expect.objectContaining({ port: 5432, protocol: 'TCP', crossTier: true })]);
    expect(edges.filter((e) => e.crossTier).map((e) => `${e.from}>${e.to}`)).toContain('orders-dev/orders-debug>postgres-prod/postgres');
  });

  it('has the service chain, DNS to kube-dns and no reply turned into a reversed edge', () => {
    const has = (from: string, to: string, port: number) => edges.some((e) => e.from === from && e.to === to && e.port === port);
    expect(has('orders-prod/orders-api', 'payments-prod/payments-api', 8080)).toBe(true);
    expect(has('payments-prod/payments-api', 'postgres-prod/postgres', 5432)).toBe(true);
    expect(edges.some((e) => e.to.startsWith('kube-system/') && e.port === 53 && e.protocol === 'UDP')).toBe(true);
    expect(edges.filter((e) => e.port >= 32768)).toEqual([]);
  });

  it('keeps the addresses of named external services, so a plan can allow them by ipBlock', () => {
    const stripe = edges.find((e) => e.to === 'api.stripe.com' && e.from === 'payments-prod/payments-api') as any;
    expect(stripe).toMatchObject({ from: 'payments-prod/payments-api', port: 443 });
    expect(stripe.addresses.length).toBeGreaterThan(0);
    for (const ip of stripe.addresses) expect(ip).toMatch(/^198\.51\.100\.\d+$/);
  });

  it('lacks the hidden staging dependency, which only the simulated cluster knows of', async () => {
    expect(edges.some((e) => e.from === 'notifications-staging/notifications-worker' && e.to === 'payments-staging/payments-api')).toBe(
      false,
    );
    const [state] = await api.db.query('SELECT faults FROM simulated_clusters WHERE cluster_id = $1', [clusterId]);
    expect(state.faults.hiddenDependencies).toEqual([
      { from: 'notifications-staging/notifications-worker', to: 'payments-staging/payments-api', port: 8080, protocol: 'TCP' },
    ]);
  });

  it('is seeded once: a second start finds it and does nothing', async () => {
    const deps = { ...api.app.get(INVENTORY_DEPS), ...api.app.get(FLOW_IMPORT_DEPS), sealer: api.runtime.secrets };
    expect(
      await seedDemo(deps, api.db, new UploadStorage(join(api.config.dataDir, 'uploads')), new Date(), createLogger('silent')),
    ).toBeNull();
  });
});
