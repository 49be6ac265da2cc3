import { SimulatedDriver } from '@bulkhead/cluster';
import { migrations } from '@bulkhead/migrations';
import type { NetworkPolicy } from '@bulkhead/netpol';
import { openDatabase } from '@bulkhead/persistence';
import type { ConnectivityProbe } from '@bulkhead/rollout';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import YAML from 'yaml';
import { only } from '../support/only';
import { testDatabase } from './support/harness';

const snapshot = YAML.parse(readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8'));
const denyAll = (namespace: string): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});
const workloadRef = (ref: string): { namespace: string; name: string } => {
  const [namespace, name] = ref.split('/');
  if (!namespace || !name) throw new Error(`not a namespace/name: ${ref}`);
  return { namespace, name };
};
const probe = (from: string, to: string, port: number, id = `${from}>${to}:${port}`, attempt = 1): ConnectivityProbe => {
  const source = workloadRef(from);
  return {
    id,
    attempt,
    from: { namespace: source.namespace, workload: source.name },
    to: { kind: 'workload', ...workloadRef(to) },
    port,
    protocol: 'TCP',
    timeoutMs: 2000,
  };
};

let db: DataSource;
let drop: () => Promise<void>;
let n = 0;
async function cluster(cni: 'cilium' | 'flannel' = 'cilium'): Promise<SimulatedDriver> {
  const [{ id }] = await db.query(`INSERT INTO clusters (name, cni) VALUES ($1, $2) RETURNING id`, [`sim-${++n}`, cni]);
  return SimulatedDriver.create(db, id, snapshot);
}

beforeAll(async () => {
  const database = await testDatabase();
  drop = database.drop;
  db = (await openDatabase(database.url, migrations, { poolSize: 2 })).db;
});
afterAll(async () => {
  await db.destroy();
  await drop();
});

describe('the simulated cluster driver', () => {
  it('discovers the objects and the policies it was created with', async () => {
    const driver = await cluster();
    const found = await driver.discover();
    expect(found.cni).toBe('cilium');
    expect(found.snapshot.items.filter((o: any) => o.kind === 'Pod')).toHaveLength(4);
    expect((await driver.readPolicies('db')).map((p) => p.metadata.name)).toEqual(['allow-all-legacy']);
  });

  it('answers probes as an enforcing CNI would: open before default-deny, closed after', async () => {
    const driver = await cluster();
    expect(await driver.probe([probe('web/frontend', 'api/orders-api', 8080)])).toEqual([{ connected: true, detail: 'connected' }]);
    await driver.applyPolicies('api', [denyAll('api')]);
    const blocked = only(await driver.probe([probe('web/frontend', 'api/orders-api', 8080)]));
    expect(blocked.connected).toBe(false);
    expect(blocked.detail).toContain('blocked by NetworkPolicy');
  });

  it('enforces nothing on Flannel', async () => {
    const driver = await cluster('flannel');
    await driver.applyPolicies('api', [denyAll('api')]);
    expect(only(await driver.probe([probe('web/frontend', 'api/orders-api', 8080)])).connected).toBe(true);
  });

  it('applies beside the policies there, or with prune instead of them', async () => {
    const driver = await cluster();
    await driver.applyPolicies('db', [denyAll('db')]);
    expect((await driver.readPolicies('db')).map((p) => p.metadata.name)).toEqual(['allow-all-legacy', 'default-deny']);
    await driver.applyPolicies('web', [denyAll('web')], { prune: true });
    await driver.applyPolicies('db', [denyAll('db')], { prune: true });
    expect((await driver.readPolicies('db')).map((p) => p.metadata.name)).toEqual(['default-deny']);
    expect((await driver.readPolicies('web')).map((p) => p.metadata.name)).toEqual(['default-deny']);
  });

  it('restores a namespace exactly: changed policies back, added ones gone', async () => {
    const driver = await cluster();
    const before = await driver.readPolicies('db');
    await driver.applyPolicies('db', [denyAll('db'), { ...only(before), spec: { podSelector: {}, policyTypes: ['Ingress'] } }]);
    expect((await driver.readPolicies('db')).map((p) => p.metadata.name)).toEqual(['allow-all-legacy', 'default-deny']);
    await driver.restorePolicies('db', before);
    expect(JSON.stringify(await driver.readPolicies('db'))).toBe(JSON.stringify(before));
  });

  it('breaks a workload whose hidden dependency gets blocked, and says which', async () => {
    const driver = await cluster();
    await driver.setFaults({ hiddenDependencies: [{ from: 'api/orders-api', to: 'web/frontend', port: 8080, protocol: 'TCP' }] });
    expect(only(await driver.probe([probe('db/postgres', 'api/orders-api', 8080)])).connected).toBe(true);
    await driver.applyPolicies('web', [denyAll('web')]);
    const broken = only(await driver.probe([probe('db/postgres', 'api/orders-api', 8080)]));
    expect(broken).toEqual({
      connected: false,
      detail: 'api/orders-api answers with errors: its own call to web/frontend:8080/TCP is blocked',
      blockedCall: { from: 'api/orders-api', to: 'web/frontend', port: 8080, protocol: 'TCP' },
    });
  });

  it('can fail applies, time probes out, and flake the first attempt', async () => {
    const driver = await cluster();
    await driver.setFaults({ applyFailures: [{ namespace: 'api', times: 1 }] });
    await expect(driver.applyPolicies('api', [denyAll('api')])).rejects.toThrow('simulated fault');
    await driver.applyPolicies('api', [denyAll('api')]);
    await driver.setFaults({ probeTimeouts: [{ namespace: 'web' }] });
    expect(only(await driver.probe([probe('web/frontend', 'db/postgres', 5432)])).detail).toContain('timed out');
    await driver.setFaults({ flakyProbes: { failFirstAttempts: 1 } });
    expect(only(await driver.probe([probe('web/frontend', 'db/postgres', 5432, 'p1.1', 1)])).connected).toBe(false);
    // a redelivered first try answers as the first did; the retry passes
    expect(only(await driver.probe([probe('web/frontend', 'db/postgres', 5432, 'p1.1', 1)])).connected).toBe(false);
    expect(only(await driver.probe([probe('web/frontend', 'db/postgres', 5432, 'p1.2', 2)])).connected).toBe(true);
    // nothing is kept per probe
    expect(await db.query(`SELECT faults FROM simulated_clusters WHERE cluster_id = $1`, [driver.clusterId])).toEqual([
      { faults: { flakyProbes: { failFirstAttempts: 1 } } },
    ]);
  });

  it('answers a batch in order, each probe on its own: blocked, open, unrunnable, flaky per probe', async () => {
    const driver = await cluster();
    await driver.applyPolicies('api', [denyAll('api')]);
    await driver.setFaults({ flakyProbes: { failFirstAttempts: 1 } });
    const batch = [
      probe('web/frontend', 'api/orders-api', 8080, 'a'),
      probe('web/frontend', 'db/postgres', 5432, 'b'),
      probe('web/ghost', 'db/postgres', 5432, 'c'),
    ];
    const first = await driver.probe(batch);
    expect(first.map((r) => r.detail)).toEqual([
      'connection reset (simulated flaky network, attempt 1)',
      'connection reset (simulated flaky network, attempt 1)',
      'connection reset (simulated flaky network, attempt 1)',
    ]);
    const second = await driver.probe(batch.map((p) => ({ ...p, attempt: 2 })));
    expect(second).toEqual([
      { connected: false, detail: 'timed out after 2000 ms: blocked by NetworkPolicy' },
      { connected: true, detail: 'connected' },
      { connected: false, error: true, detail: 'no running pod of web/ghost to probe from' },
    ]);
    expect(await driver.probe([])).toEqual([]);
  });

  it('counts apply faults atomically: concurrent applies take a failure once', async () => {
    const driver = await cluster();
    const other = new SimulatedDriver(db, driver.clusterId); // another worker
    await driver.setFaults({ applyFailures: [{ times: 1, message: 'once' }] });
    const applies = await Promise.allSettled([
      driver.applyPolicies('api', [denyAll('api')]),
      other.applyPolicies('api', [denyAll('api')], { prune: true }),
    ]);
    expect(applies.filter((a) => a.status === 'rejected').map((a) => a.reason.message)).toEqual(['once']);
  });

  it('reports a probe it cannot run as an error, not as a block', async () => {
    const driver = await cluster();
    const outcome = only(await driver.probe([probe('web/ghost', 'db/postgres', 5432)]));
    expect(outcome).toMatchObject({ connected: false, error: true });
  });
});
