import { QUEUES } from '@bulkhead/contracts';
import { BullJobQueue } from '@bulkhead/jobs';
import { createLogger, loadConfig } from '@bulkhead/platform';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkerRuntime } from '../../apps/worker/src/worker';
import { type Harness, seedDemoCluster, startApi, TEST_REDIS_URL } from './support/harness';

/**
 * Two installs on one Redis, neither given a queue prefix (the "second install took the first
 * one's seed import, called it already finished, and left it queued forever"): each derives its own
 * prefix from its database, a prefix another database holds is refused by name, a job about a record
 * that is not in the worker's database is failed rather than completed, and an import or a sync whose
 * job was lost is dispatched again.
 */
const DERIVED = { BULKHEAD_QUEUE_PREFIX: '' };
let first: Harness;
let second: Harness;

beforeAll(async () => {
  [first, second] = await Promise.all([startApi(DERIVED, { worker: true }), startApi(DERIVED, { worker: true })]);
}, 60000);
afterAll(() => Promise.all([first?.close(), second?.close()]));

const importOf = async (api: Harness, id: string) => (await api.call('GET', `/api/v1/flow-imports/${id}`, { role: 'viewer' })).body;

describe('two installs sharing one Redis with the default queue prefix', () => {
  it('each gets a prefix of its own, derived from its database', () => {
    expect(first.queuePrefix).toMatch(/^bulkhead-[0-9a-f]{12}$/);
    expect(second.queuePrefix).toMatch(/^bulkhead-[0-9a-f]{12}$/);
    expect(first.queuePrefix).not.toBe(second.queuePrefix);
  });

  it("each imports its own seed flows, side by side, and neither takes the other's", async () => {
    const [a, b] = await Promise.all([seedDemoCluster(first), seedDemoCluster(second)]);
    for (const [api, clusterId] of [
      [first, a],
      [second, b],
    ] as const) {
      const imports = (await api.call('GET', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'viewer' })).body.items;
      expect(imports.map((i: { status: string }) => i.status)).toEqual(['succeeded']);
      expect((await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer' })).body.items.length).toBeGreaterThan(0);
    }
  }, 90000);

  it('refuses to start an install on a prefix that another database holds, and says which', async () => {
    const config = loadConfig({
      DATABASE_URL: second.config.database.url,
      REDIS_URL: TEST_REDIS_URL,
      BULKHEAD_QUEUE_PREFIX: first.queuePrefix,
      BULKHEAD_DATA_DIR: second.config.dataDir,
    });
    const opening = openWorkerRuntime({ config, logger: createLogger('silent'), db: second.db, redisUrl: TEST_REDIS_URL });
    await expect(opening).rejects.toThrow(
      `Queue prefix "${first.queuePrefix}" in this Redis belongs to database "${first.config.database.url!.split('/').pop()}"`,
    );
  });
});

describe("a job about a record that is not in the worker's database", () => {
  it('is failed for good at its first attempt (its own install dispatches it again), never completed', async () => {
    const importId = randomUUID(); // in neither database: as a job of another install, or of a deleted record, looks to this one
    await new BullJobQueue(second.runtime.queues).enqueue('flow-import.run', { v: 1, importId });
    const queue = second.runtime.queues.get(QUEUES.imports)!;
    const job = await second.waitFor(
      () => queue.getJob(`flow-import.run.${importId}`),
      (j) => j?.finishedOn !== undefined,
      15000,
    );
    expect(job!.failedReason).toContain('not in this database');
    expect(await job!.getState()).toBe('failed');
    expect(job!.attemptsMade).toBe(1);
    await job!.remove();
  });
});

describe('an unfinished import and a requested cluster sync whose jobs were lost', () => {
  it('are dispatched again by a worker that starts, and finish', async () => {
    const [cluster] = (await first.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
    await first.stopWorker();
    const flows = readFileSync(join(__dirname, '..', 'fixtures', 'small-flows.hubble.jsonl'), 'utf8');
    const queued = await first.call('POST', `/api/v1/clusters/${cluster.id}/flow-imports?fileName=lost.jsonl`, {
      role: 'operator',
      raw: flows,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(queued.body.status).toBe('queued');
    expect((await first.call('POST', `/api/v1/clusters/${cluster.id}/sync`, { role: 'operator' })).status).toBe(202);
    // What a Redis that lost its data leaves: the work recorded in PostgreSQL, no job for it.
    await first.runtime.queues.get(QUEUES.imports)!.obliterate({ force: true });
    await first.startWorker();
    expect(
      (
        await first.waitFor(
          () => importOf(first, queued.body.id),
          (i) => i.status !== 'queued' && i.status !== 'running',
          20000,
        )
      ).status,
    ).toBe('succeeded');
    await first.waitFor(
      () => first.db.query(`SELECT id FROM clusters WHERE sync_requested_at IS NOT NULL`),
      (rows) => rows.length === 0,
      20000,
    );
    const synced = (await first.call('GET', `/api/v1/clusters/${cluster.id}`, { role: 'viewer' })).body;
    expect(synced.inventoryImportedAt > cluster.inventoryImportedAt).toBe(true);
  }, 40000);
});
