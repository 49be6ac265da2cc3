import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { QUEUES } from '@bulkhead/contracts';
import { BullJobQueue } from '@bulkhead/jobs';
import { databaseIdentity } from '@bulkhead/persistence';
import { createRedis, loadSecretKey, NestLogger, resolveQueuePrefix, SecretBox } from '@bulkhead/platform';
import { Queue } from 'bullmq';
import type { WorkerHooks, WorkerRuntime } from './runtime';
import { WorkerModule } from './worker.module';

export type { WorkerHooks, WorkerRuntime } from './runtime';

export interface RunningWorker {
  close(): Promise<void>;
}

/**
 * Starts the worker's Nest application context (no HTTP): its queue consumers and its recovery timer
 * begin at bootstrap. `hooks` are a test's; production passes none.
 */
export async function startWorker(runtime: WorkerRuntime, hooks?: WorkerHooks): Promise<RunningWorker> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRuntime(runtime, hooks), {
    logger: new NestLogger(runtime.logger),
  });
  await context.init();
  return { close: () => context.close() };
}

/**
 * What a worker process opens besides the database: a Redis client, the queues under this install's
 * prefix (refusing a prefix another database holds), the key for secrets.
 */
export async function openWorkerRuntime(
  base: Pick<WorkerRuntime, 'config' | 'logger' | 'db' | 'redisUrl'>,
): Promise<{ runtime: WorkerRuntime; close(): Promise<void> }> {
  const redis = createRedis(base.redisUrl, 'client');
  try {
    const identity = await databaseIdentity(base.db);
    const queuePrefix = await resolveQueuePrefix(redis, base.config.queuePrefix, identity);
    const queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix: queuePrefix })]));
    const secrets = new SecretBox(await loadSecretKey(base.config.secretKey, base.config.dataDir));
    return {
      runtime: { ...base, redis, identity, queuePrefix, secrets, queues, jobs: new BullJobQueue(queues) },
      close: async () => {
        await Promise.all([...queues.values()].map((q) => q.close()));
        await redis.quit();
      },
    };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}
