import { QUEUES } from '@bulkhead/contracts';
import { BullJobQueue, BullRolloutDispatcher } from '@bulkhead/jobs';
import type { RolloutCommand } from '@bulkhead/rollout';
import { createRedis } from '@bulkhead/platform';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';

const redis = createRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', 'client');
const prefix = `bh-test-${randomBytes(4).toString('hex')}`;
const queue = new Queue(QUEUES.imports, { connection: redis, prefix });
const rollouts = new Queue(QUEUES.rollouts, { connection: redis, prefix });

afterAll(async () => {
  for (const q of [queue, rollouts]) {
    await q.obliterate({ force: true });
    await q.close();
  }
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

describe('the rollout dispatcher', () => {
  const rolloutId = '33333333-3333-4333-8333-333333333333';
  const base = { rolloutId, clusterId: '44444444-4444-4444-8444-444444444444' };
  const snapshot: RolloutCommand = {
    ...base,
    type: 'snapshotNamespace',
    key: `${rolloutId}.shop.snapshot`,
    stepId: `${rolloutId}.shop`,
    namespace: 'shop',
  };

  it('does not send a command it added moments ago again, and sends it once that is a while ago (a lost job comes back)', async () => {
    let now = Date.parse('2026-11-28T10:00:00Z');
    const dispatcher = new BullRolloutDispatcher(new BullJobQueue(new Map([[QUEUES.rollouts, rollouts]])), () => new Date(now));
    const jobId = `rollout.command.${snapshot.key}`;
    await dispatcher.dispatch(rolloutId, [snapshot]);
    expect(await rollouts.getJob(jobId)).toBeDefined();
    await rollouts.remove(jobId); // as if Redis had lost it
    now += 1_000;
    await dispatcher.dispatch(rolloutId, [snapshot]);
    expect(await rollouts.getJob(jobId)).toBeUndefined();
    now += 10_000;
    await dispatcher.dispatch(rolloutId, [snapshot]);
    expect(await rollouts.getJob(jobId)).toBeDefined();
  });

  it('does not queue a command the caller runs itself, nor let a later dispatch queue it meanwhile', async () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    const dispatcher = new BullRolloutDispatcher(new BullJobQueue(new Map([[QUEUES.rollouts, rollouts]])), () => new Date(now));
    const apply: RolloutCommand = {
      ...base,
      type: 'applyPolicies',
      key: `${rolloutId}.cart.apply`,
      stepId: `${rolloutId}.cart`,
      namespace: 'cart',
      tier: 'dev',
      planId: base.rolloutId,
      planVersion: 1,
    };
    await dispatcher.dispatch(rolloutId, [apply], new Set([apply.key]));
    await dispatcher.dispatch(rolloutId, [apply]);
    expect(await rollouts.getJob(`rollout.command.${apply.key}`)).toBeUndefined();
  });

  it('always sends wake-ups, as delayed advances', async () => {
    const now = Date.parse('2026-11-28T10:00:00Z');
    const dispatcher = new BullRolloutDispatcher(new BullJobQueue(new Map([[QUEUES.rollouts, rollouts]])), () => new Date(now));
    const at = new Date(now + 60_000).toISOString();
    const wake: RolloutCommand = { ...base, type: 'wakeAt', key: `${rolloutId}.wake.${Date.parse(at)}`, at };
    const jobId = `rollout.advance.${rolloutId}.${Date.parse(at)}`;
    await dispatcher.dispatch(rolloutId, [wake]);
    await rollouts.remove(jobId);
    await dispatcher.dispatch(rolloutId, [wake]);
    const job = await rollouts.getJob(jobId);
    expect(job?.opts.delay).toBe(60_000);
  });
});
