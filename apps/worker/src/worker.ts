import { JOB_QUEUE, type JobName, QUEUES } from '@bulkhead/contracts';
import { TypeOrmFlowImportStore, TypeOrmInventoryStore } from '@bulkhead/persistence';
import { type Config, createRedis, type Logger, UploadStorage } from '@bulkhead/platform';
import { UnrecoverableError, Worker } from 'bullmq';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { FlowImportHandler } from './flow-import/flow-import.handler';
import { indexHandlers, type JobHandler } from './jobs/job-handler';

export interface WorkerRuntime {
  config: Config;
  logger: Logger;
  db: DataSource;
  redisUrl: string;
}

/** Binds every job to its handler; the only place where use cases meet their adapters in the worker. */
function handlers(r: WorkerRuntime): JobHandler[] {
  const uploads = new UploadStorage(join(r.config.dataDir, 'uploads'));
  return [
    new FlowImportHandler({
      imports: new TypeOrmFlowImportStore(r.db),
      inventory: new TypeOrmInventoryStore(r.db),
      files: uploads,
      clock: () => new Date(),
    }),
  ] as JobHandler[];
}

export interface RunningWorker {
  close(): Promise<void>;
}

/** Starts one BullMQ worker per queue; each job is parsed, then handed to its one handler. */
export async function startWorker(r: WorkerRuntime): Promise<RunningWorker> {
  const index = indexHandlers(handlers(r), Object.keys(JOB_QUEUE) as JobName[]);
  const connection = createRedis(r.redisUrl, 'worker');
  const workers = Object.values(QUEUES).map(
    (queue) =>
      new Worker(
        queue,
        async (job) => {
          const handler = index.get(job.name as JobName);
          if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
          let payload;
          try {
            payload = handler.parse(job.data);
          } catch (error) {
            throw new UnrecoverableError(`job ${job.name} ${job.id} has an invalid payload: ${(error as Error).message}`);
          }
          const log = r.logger.child({ job: job.name, jobId: job.id, attempt: job.attemptsMade + 1 });
          log.info('job started');
          const outcome = await handler.handle(payload, (value) => job.updateProgress(value));
          log.info('job finished', { outcome: outcome.status, detail: outcome.detail });
          return outcome;
        },
        { connection, prefix: r.config.queuePrefix, concurrency: 2 },
      ),
  );
  for (const w of workers) {
    w.on('failed', (job, error) => r.logger.warn('job failed', { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, error: error.message }));
    w.on('error', (error) => r.logger.error('worker error', { error: error.message }));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await connection.quit();
    },
  };
}
