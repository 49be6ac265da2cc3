import { QUEUES } from '@bulkhead/contracts';
import { OBSOLETE_RECONCILE_SCHEDULER } from '../../apps/worker/src/recovery/recovery';
import { type Harness, startApi } from './support/harness';

/** A worker that starts on a Redis left by an older version keeps the drift schedule and drops the old reconcile one. */
let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

it('removes the repeatable rollout.reconcile job an older version scheduled, and schedules the drift checks', async () => {
  const rollouts = api.runtime.queues.get(QUEUES.rollouts)!;
  await rollouts.upsertJobScheduler(OBSOLETE_RECONCILE_SCHEDULER, { every: 30_000 }, { name: 'rollout.reconcile', data: { v: 1 } });
  expect((await rollouts.getJobSchedulers()).map((scheduler) => scheduler.key)).toContain(OBSOLETE_RECONCILE_SCHEDULER);

  await api.startWorker();

  const schedulers = (await rollouts.getJobSchedulers()).map((scheduler) => scheduler.key);
  expect(schedulers).toContain('cluster.drift-check');
  expect(schedulers).not.toContain(OBSOLETE_RECONCILE_SCHEDULER);
});
