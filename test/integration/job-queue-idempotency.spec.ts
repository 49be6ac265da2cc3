import { QUEUES } from '@bulkhead/contracts';
import { BullJobQueue } from '@bulkhead/jobs';
import { createRedis } from '@bulkhead/platform';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';

const redis = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 'client');
const prefix = `bh-test-${randomBytes(4).toString('hex')}`;
const queue = new Queue(QUEUES.imports, { connection: redis, prefix });

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
});

describe('job ids are idempotency keys', () => {
  it('adds one job when the same work is enqueued twice, and two for two pieces of work', async () => {
    const jobs = new BullJobQueue(new Map([[QUEUES.imports, queue]]));
    const a = { v: 1 as const, importId: '11111111-1111-4111-8111-111111111111' };
    const b = { v: 1 as const, importId: '22222222-2222-4222-8222-222222222222' };
    await jobs.enqueue('flow-import.run', a);
    await jobs.enqueue('flow-import.run', a);
    await jobs.enqueue('flow-import.run', b);
    const waiting = await queue.getJobs(['waiting']);
    expect(waiting.map((j) => j.id).sort()).toEqual([`flow-import.run.${a.importId}`, `flow-import.run.${b.importId}`]);
    expect(await queue.count()).toBe(2);
  });
});
