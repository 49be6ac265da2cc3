import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { QUEUES } from '@bulkhead/contracts';
import { BullJobQueue } from '@bulkhead/jobs';
import { createRedis, loadSecretKey, SecretBox } from '@bulkhead/platform';
import { Queue } from 'bullmq';
import type { WorkerRuntime } from './runtime';
import { WorkerModule } from './worker.module';

export type { WorkerRuntime } from './runtime';

export interface RunningWorker {
  close(): Promise<void>;
}

/** Starts the worker's Nest application context (no HTTP): its queue consumers begin at bootstrap. */
export async function startWorker(runtime: WorkerRuntime): Promise<RunningWorker> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRuntime(runtime), { logger: false });
  await context.init();
  return { close: () => context.close() };
}

/** What a worker process opens besides the database: a Redis client, the queues to enqueue into, the key for secrets. */
export async function openWorkerRuntime(base: Omit<WorkerRuntime, 'jobs' | 'secrets'>): Promise<{ runtime: WorkerRuntime; close(): Promise<void> }> {
  const redis = createRedis(base.redisUrl, 'client');
  const queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix: base.config.queuePrefix })]));
  const secrets = new SecretBox(await loadSecretKey(base.config.secretKey, base.config.dataDir));
  // The safety net of every rollout: a repeatable reconcile job (one schedule, however many workers).
  await queues.get(QUEUES.rollouts)!.upsertJobScheduler('rollout.reconcile', { every: RECONCILE_EVERY_MS }, { name: 'rollout.reconcile', data: { v: 1 } });
  await queues.get(QUEUES.rollouts)!.upsertJobScheduler('cluster.drift-check', { every: DRIFT_CHECK_EVERY_MS }, { name: 'cluster.drift-check', data: { v: 1 } });
  const jobs = new BullJobQueue(queues);
  // A worker that starts (after a crash, say) looks at every active rollout at once, not in 30 s.
  await jobs.enqueue('rollout.reconcile', { v: 1 });
  return {
    runtime: { ...base, secrets, jobs },
    close: async () => {
      await Promise.all([...queues.values()].map((q) => q.close()));
      await redis.quit();
    },
  };
}

export const RECONCILE_EVERY_MS = 30_000;
export const DRIFT_CHECK_EVERY_MS = 10 * 60_000;
