import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bookinfoTraffic } from '../support/fake-flow-servers/bookinfo-cluster';
import { FakeHubbleRelay } from '../support/fake-flow-servers/hubble-relay';
import { type Harness, startApi, TEST_REDIS_URL } from '../integration/support/harness';
import { bookinfoCluster, importedActivity, importedMap, liveActivity, liveMap } from '../integration/support/live-map';
import { exited, stop } from '../support/child-processes';

/**
 * The collection guarantee: a collector's stream is cut mid-way, its worker is SIGKILLed right after a
 * batch is committed, the relay restarts, another worker takes the lease over and goes on; the map
 * (edges, connections, first and last seen, activity per hour) ends exactly as a file import of the
 * same flows makes it, with no gap and every flow counted once.
 */
const root = join(__dirname, '..', '..');
const workerMain = join(root, 'dist', 'apps', 'worker', 'src', 'main.js');
/** The same worker, with a hook that kills it at a checkpoint (test/support/crash-worker.ts). */
const crashWorker = join(root, 'dist', 'test', 'support', 'crash-worker.js');

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
      BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true',
      LOG_LEVEL: process.env.CRASH_LOG ? 'info' : 'silent',
    },
  });
}

beforeAll(async () => {
  if (![workerMain, crashWorker].every(existsSync)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  api = await startApi({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' });
}, 60_000);
afterAll(() => api.close());

describe('a Hubble collector cut off, its worker SIGKILLed after a batch and its relay restarted', () => {
  const relay = new FakeHubbleRelay();
  afterAll(() => relay.stop());

  it('ends with the map a file import of the same flows makes: no gap, no flow counted twice', async () => {
    const clusterId = await bookinfoCluster(api, 'bookinfo-crash');
    // The relay's history: 12,000 generated flows (11:05); the first stream is cut 2,500 flows in, before a batch is full.
    const held = bookinfoTraffic(4_000);
    relay.hold(held.map((f) => f.wire));
    relay.cutAfter(2_500);
    const port = await relay.start();
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'relay', kind: 'hubble-relay', address: `127.0.0.1:${port}` },
    });
    expect(created.status).toBe(201);
    const sourcePath = `/api/v1/clusters/${clusterId}/flow-sources/${created.body.id}`;
    const collectedAtLeast = (flows: number) =>
      api.waitFor(
        () => api.call('GET', sourcePath, { role: 'viewer' }),
        (r) => r.body.flowsCollected >= flows,
        60_000,
      );

    // Batch 1 is what came before the cut (all of it, or a second's worth); batch 2 is the first written
    // from the stream resumed after the cut (or what the cut left): SIGKILL once it is committed.
    const doomed = worker('collector.batchWritten:2');
    const outcome = await exited(doomed, Number(process.env.CRASH_WAIT_MS ?? 60_000));
    await stop(doomed);
    expect(outcome).toBe('SIGKILL');
    const [{ flows_total: atKill }] = await api.db.query(`SELECT flows_total FROM flow_sources WHERE id = $1`, [created.body.id]);
    expect(Number(atKill)).toBeGreaterThan(0);
    expect(Number(atKill)).toBeLessThan(held.length);

    // While no one collects, the relay restarts, holding the flows it had and more that came meanwhile.
    await relay.stop();
    const meanwhile = bookinfoTraffic(1_000, Date.parse('2021-11-10T11:40:00Z') / 1000);
    relay.hold(meanwhile.map((f) => f.wire));
    await relay.start(port);

    const survivor = worker();
    try {
      await collectedAtLeast(held.length + meanwhile.length);
      // And what the relay streams live afterwards, in the next hour.
      const live = bookinfoTraffic(500, Date.parse('2021-11-10T12:01:00Z') / 1000);
      relay.publish(live.map((f) => f.wire));
      const all = [...held, ...meanwhile, ...live];
      const done = await collectedAtLeast(all.length);
      // A batch counted twice would show here, or in the connections below, after a last write.
      await new Promise((r) => setTimeout(r, 2_500));
      const end = (await api.call('GET', sourcePath, { role: 'viewer' })).body;

      expect(end.flowsCollected).toBe(all.length);
      expect(done.body.flowsCollected).toBe(all.length);
      expect(end.gaps).toEqual([]);
      expect(end.status).toBe('connected');
      expect(end.lastFlowAt).toBe('2021-11-10T12:01:00.001Z');
      expect(await liveMap(api, clusterId)).toEqual(await importedMap(api, clusterId, all));
      expect(await liveActivity(api, created.body.id)).toEqual(await importedActivity(api, clusterId, all));
    } finally {
      await stop(survivor);
    }
  }, 180_000);
});
