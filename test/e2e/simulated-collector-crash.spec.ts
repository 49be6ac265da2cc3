import { compareInstants, type HubbleInstant, instantFromRfc3339 } from '@bulkhead/flows';
import { demoCluster, DemoLiveTraffic, demoWindowStart } from '@bulkhead/demo';
import { TypeOrmInventoryStore } from '@bulkhead/persistence';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hourlyImportedActivity, hourlyImportedMap } from '../support/fake-flow-servers/hourly-map';
import { type Harness, startApi, TEST_REDIS_URL } from '../integration/support/harness';
import { liveActivity, liveMap } from '../integration/support/live-map';
import { exited, stop } from '../support/child-processes';

/**
 * The simulated cluster's live stream goes through the same collection as a relay's: a worker collects
 * it and is SIGKILLed right after a batch is committed; another worker takes the lease over and resumes
 * from the checkpoint. The map ends exactly as a file import of the flows the stream generated up to
 * the last checkpoint makes it: no gap, every flow counted once.
 */
const root = join(__dirname, '..', '..');
const workerMain = join(root, 'dist', 'apps', 'worker', 'src', 'main.js');
const crashWorker = join(root, 'dist', 'test', 'support', 'crash-worker.js');
const CONNECTIONS_PER_SECOND = 20;

let api: Harness;

function worker(crashAt?: string): ChildProcess {
  return spawn(process.execPath, crashAt ? [crashWorker, crashAt] : [workerMain], {
    cwd: root,
    stdio: process.env.CRASH_LOG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: api.config.database.url,
      REDIS_URL: TEST_REDIS_URL,
      BULKHEAD_QUEUE_PREFIX: api.queuePrefix,
      BULKHEAD_DATA_DIR: api.config.dataDir,
      LOG_LEVEL: process.env.CRASH_LOG ? 'info' : 'silent',
    },
  });
}

beforeAll(async () => {
  if (![workerMain, crashWorker].every(existsSync)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

describe('the simulated cluster live stream, its worker SIGKILLed after a batch', () => {
  it('ends with the map a file import of the generated flows makes: no gap, no flow counted twice', async () => {
    const created = await api.call('POST', '/api/v1/clusters', {
      role: 'operator',
      body: { name: 'demo-live', cni: 'cilium', driver: 'simulated' },
    });
    expect(created.status).toBe(201);
    const clusterId: string = created.body.id;
    const windowStart = demoWindowStart(new Date(created.body.createdAt));
    const snapshot = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      role: 'operator',
      raw: JSON.stringify(demoCluster({ start: windowStart }).snapshot),
      headers: { 'content-type': 'application/json' },
    });
    expect(snapshot.status).toBe(200);
    const source = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'live', kind: 'simulated', simulation: { connectionsPerSecond: CONNECTIONS_PER_SECOND } },
    });
    expect(source.status).toBe(201);
    expect(source.body).toMatchObject({ kind: 'simulated', address: null, simulation: { connectionsPerSecond: 20 } });
    const sourcePath = `/api/v1/clusters/${clusterId}/flow-sources/${source.body.id}`;

    const doomed = worker('collector.batchWritten:3');
    expect(await exited(doomed, 60_000)).toBe('SIGKILL');
    const [{ flows_total: atKill }] = await api.db.query(`SELECT flows_total FROM flow_sources WHERE id = $1`, [source.body.id]);
    expect(Number(atKill)).toBeGreaterThan(0);

    // Down for a few seconds (well within what the simulated Hubble keeps), then another worker takes over.
    await new Promise((r) => setTimeout(r, 4_000));
    const survivor = worker();
    try {
      await api.waitFor(
        () => api.call('GET', sourcePath, { role: 'viewer' }),
        (r) => r.body.flowsCollected >= Number(atKill) + 8 * CONNECTIONS_PER_SECOND * 3,
        60_000,
      );
    } finally {
      // A clean stop writes what was received before the lease is handed back.
      await stop(survivor);
    }

    const end = (await api.call('GET', sourcePath, { role: 'viewer' })).body;
    expect(end.gaps).toEqual([]);
    const [row] = await api.db.query(`SELECT checkpoint, observing_since FROM flow_sources WHERE id = $1`, [source.body.id]);
    const checkpointAt = row.checkpoint.at as HubbleInstant;
    const traffic = new DemoLiveTraffic({
      windowStart,
      connectionsPerSecond: CONNECTIONS_PER_SECOND,
      hiddenDependencyEveryMs: 6 * 3_600_000,
    });
    const generated = traffic
      .between(row.observing_since.getTime(), checkpointAt.seconds * 1000 + Math.floor(checkpointAt.nanos / 1e6) + 1)
      .filter((f) => compareInstants(instantFromRfc3339(f.line.time)!, checkpointAt) <= 0)
      .map((f) => JSON.stringify(f.line));
    const loaded = await new TypeOrmInventoryStore(api.db).load(clusterId);
    const inventory = { pods: loaded.pods, workloads: loaded.workloads };

    expect(end.flowsCollected).toBe(generated.length);
    expect(end.lastFlowAt).toBe(new Date(JSON.parse(generated.at(-1)!).time).toISOString());
    expect(await liveMap(api, clusterId)).toEqual(hourlyImportedMap(generated, inventory));
    expect(await liveActivity(api, source.body.id)).toEqual(hourlyImportedActivity(generated, inventory));
  }, 180_000);
});
