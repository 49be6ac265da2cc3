import { driverFactory, systemResolver } from '@bulkhead/cluster';
import { TypeOrmClusterStore } from '@bulkhead/persistence';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterSyncHandler } from '../../apps/worker/src/inventory/cluster-sync.handler';
import { INVENTORY_DEPS } from '../../apps/api/src/stores.providers';
import { type Harness, startApi } from './support/harness';

/**
 * A sync request is recorded by the database's clock, and the sync that answers it clears it by that
 * same clock: a worker whose own clock is behind the database's still clears it, so recovery does not
 * read the cluster again and again.
 */
let api: Harness;

beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

it('clears the request it answered, whatever the worker clock says; a request made during the sync stays', async () => {
  const clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'clocks', cni: 'calico' } })).body.id;
  await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: readFileSync(join(__dirname, '../fixtures/small-snapshot.yaml')),
    headers: { 'content-type': 'application/yaml' },
  });
  expect((await api.call('POST', `/api/v1/clusters/${clusterId}/sync`, { role: 'operator' })).status).toBe(202);
  const clusters = new TypeOrmClusterStore(api.db);
  expect(await clusters.syncsRequested()).toEqual([clusterId]);

  const yearsBehind = () => new Date('2000-01-01T00:00:00Z');
  const driverFor = driverFactory({
    db: api.db,
    clusters,
    openSecret: () => '',
    kubeconfigRules: { allowHostCredentials: false, allowLoopback: false },
    git: { cacheRoot: join(api.config.dataDir, 'git'), rules: { allowLoopback: false, allowFileUrls: false }, resolver: systemResolver },
  });
  const handler = new ClusterSyncHandler({ ...api.app.get(INVENTORY_DEPS), driverFor, clock: yearsBehind });
  expect((await handler.handle({ v: 1, clusterId })).status).toBe('done');
  expect(await clusters.syncsRequested()).toEqual([]);

  // A request recorded while a sync runs (after it read the marker) wants another read: it stays.
  expect((await api.call('POST', `/api/v1/clusters/${clusterId}/sync`, { role: 'operator' })).status).toBe(202);
  const first = await clusters.syncRequestedAt(clusterId);
  await new Promise((r) => setTimeout(r, 20));
  await clusters.requestSync(clusterId);
  await clusters.syncDone(clusterId, first!);
  expect(await clusters.syncsRequested()).toEqual([clusterId]);
});
