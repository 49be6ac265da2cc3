import { SimulatedDriver } from '@bulkhead/cluster';
import { migrations } from '@bulkhead/migrations';
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import { openDatabase } from '@bulkhead/persistence';
import type { ConnectivityProbe } from '@bulkhead/rollout';
import type { DataSource } from 'typeorm';
import { testDatabase } from './support/harness';

/**
 * The simulated driver with cluster-scoped policies: an Admin Deny from dev to prod holds over prod's allow-all
 * NetworkPolicy when the CNI implements the kinds (Calico), and is accepted but ignored when it does not (Cilium).
 */
const pod = (namespace: string, app: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: app, namespace, labels: { app } },
  spec: { containers: [{ name: app, ports: [{ containerPort: 5432 }] }] },
  status: { phase: 'Running', podIP: ip },
});
const allowAll: NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-all', namespace: 'prod' },
  spec: { podSelector: {}, ingress: [{}] },
};
const adminDeny: SnapshotClusterPolicy = {
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name: 'tier-isolation' },
  spec: {
    tier: 'Admin',
    priority: 10,
    subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } },
    ingress: [
      { name: 'no-dev-to-prod', action: 'Deny', from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }] },
    ],
  },
};
const items = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
  pod('dev', 'debug', '10.0.1.1'),
  pod('prod', 'postgres', '10.0.2.1'),
  pod('prod', 'api', '10.0.2.2'),
  allowAll,
];
const probe = (from: string): ConnectivityProbe => ({
  id: `${from}>postgres`,
  attempt: 1,
  from: { namespace: from === 'debug' ? 'dev' : 'prod', workload: from },
  to: { kind: 'workload', namespace: 'prod', name: 'postgres' },
  port: 5432,
  protocol: 'TCP',
  timeoutMs: 2000,
});

let db: DataSource;
let drop: () => Promise<void>;
let n = 0;
async function cluster(cni: 'calico' | 'cilium', snapshotItems: unknown[] = items): Promise<SimulatedDriver> {
  const [{ id }] = await db.query(`INSERT INTO clusters (name, cni) VALUES ($1, $2) RETURNING id`, [`sim-cnp-${++n}`, cni]);
  return SimulatedDriver.create(db, id, { items: snapshotItems });
}
const connected = async (driver: SimulatedDriver) => (await driver.probe([probe('debug'), probe('api')])).map((r) => r.connected);

beforeAll(async () => {
  const database = await testDatabase();
  drop = database.drop;
  db = (await openDatabase(database.url, migrations, { poolSize: 2 })).db;
});
afterAll(async () => {
  await db.destroy();
  await drop();
});

describe('the simulated driver with cluster-scoped policies', () => {
  it('under Calico, an applied Admin Deny blocks dev from prod although prod allows all; restoring takes it away', async () => {
    const driver = await cluster('calico');
    expect(await connected(driver)).toEqual([true, true]);
    const before = await driver.readClusterPolicies();
    await driver.applyClusterPolicies([adminDeny]);
    expect(await connected(driver)).toEqual([false, true]);
    expect((await driver.readClusterPolicies()).map((p) => p.metadata.name)).toEqual(['tier-isolation']);
    await driver.restoreClusterPolicies(before);
    expect(await driver.readClusterPolicies()).toEqual([]);
    expect(await connected(driver)).toEqual([true, true]);
  });

  it('under Cilium, accepts the Admin Deny and ignores it', async () => {
    const driver = await cluster('cilium');
    await driver.applyClusterPolicies([adminDeny]);
    expect(await driver.readClusterPolicies()).toHaveLength(1);
    expect(await connected(driver)).toEqual([true, true]);
  });

  it('is created with the cluster policies of its snapshot, discovers them with the kinds it serves, and deletes them', async () => {
    const driver = await cluster('calico', [...items, { ...adminDeny, metadata: { name: 'tier-isolation', resourceVersion: '7' } }]);
    expect(await connected(driver)).toEqual([false, true]);
    const discovery = await driver.discover();
    expect(discovery.clusterPolicyKinds).toEqual(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy']);
    expect(discovery.snapshot.items).toContainEqual(adminDeny);
    await driver.deleteClusterPolicies([{ kind: 'ClusterNetworkPolicy', name: 'tier-isolation' }]);
    expect(await connected(driver)).toEqual([true, true]);
  });
});
