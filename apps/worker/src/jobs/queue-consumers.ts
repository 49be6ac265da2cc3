import { JOB_QUEUE, type JobName, QUEUES, type QueueName } from '@bulkhead/contracts';
import { createRedis } from '@bulkhead/platform';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_HANDLERS, WORKER_RUNTIME, type WorkerRuntime } from '../runtime';
import { indexHandlers, type JobHandler } from './job-handler';

/**
 * Jobs run at once per queue and process. Imports parse and aggregate (CPU); rollout jobs mostly wait
 * on the cluster and the database, and a rollout runs several namespaces side by side; notifications
 * wait on receivers, whose slowness must not hold up rollouts.
 */
const CONCURRENCY: Record<QueueName, number> = { imports: 2, rollouts: 8, notifications: 4 };

/** One BullMQ worker per queue. Each job is parsed, then handed to the one handler of its name. */
@Injectable()
export class QueueConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly index: Map<JobName, JobHandler>;
  private workers: Worker[] = [];
  private connection?: Redis;

  constructor(
    @Inject(WORKER_RUNTIME) private readonly runtime: WorkerRuntime,
    @Inject(JOB_HANDLERS) handlers: JobHandler[],
  ) {
    this.index = indexHandlers(handlers, Object.keys(JOB_QUEUE) as JobName[]);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { logger } = this.runtime;
    const connection = createRedis(this.runtime.redisUrl, 'worker');
    this.connection = connection;
    this.workers = Object.values(QUEUES).map(
      (queue) =>
        new Worker(queue, (job) => this.process(job.name, job.id, job.attemptsMade, job.data, (v) => job.updateProgress(v)), {
          connection,
          prefix: this.runtime.queuePrefix,
          concurrency: CONCURRENCY[queue],
          // A worker that dies (SIGKILL) leaves its jobs active: another worker takes them over once the
          // lock lapses. Running jobs renew their lock every half period, so long probes are safe.
          lockDuration: 10_000,
          stalledInterval: 5_000,
          maxStalledCount: 10,
        }),
    );
    for (const w of this.workers) {
      w.on('failed', (job, error) => {
        logger.warn('job failed', { job: job?.name, jobId: job?.id, attempt: job?.attemptsMade, error: error.message });
        // Finished as failed (its last attempt, or refused for good): nothing will run it again.
        if (job?.finishedOn) void this.gaveUp(job.name, job.id, job.data, error.message);
      });
      w.on('error', (error) => logger.error('worker error', { error: error.message }));
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  private async process(name: string, id: string | undefined, attemptsMade: number, data: unknown, progress: (v: object) => Promise<void>) {
    const handler = this.index.get(name as JobName);
    if (!handler) throw new UnrecoverableError(`no handler for job ${name}`);
    let payload;
    try {
      payload = handler.parse(data);
    } catch (error) {
      throw new UnrecoverableError(`job ${name} ${id} has an invalid payload: ${(error as Error).message}`);
    }
    const log = this.runtime.logger.child({ job: name, jobId: id, attempt: attemptsMade + 1 });
    if (handler.isInThisDatabase && !(await handler.isInThisDatabase(payload))) {
      // Deleted since it was queued (a cluster removed with its imports and rollouts), or queued by
      // another install sharing these queues. Failed, not done: done would remove it, and another
      // install would wait for it forever (its reconciler dispatches it again). Failed for good: no
      // later attempt would find the record either.
      log.warn('job is about something not in this database: deleted since, or queued by another install', {
        queuePrefix: this.runtime.queuePrefix,
      });
      throw new UnrecoverableError(
        `job ${name} ${id} is about something not in this database: deleted since it was queued, or queued by another install sharing these queues`,
      );
    }
    log.info('job started');
    const outcome = await handler.handle(payload, progress);
    log.info('job finished', { outcome: outcome.status, detail: outcome.detail });
    return outcome;
  }

  /** A job that failed its last attempt: its handler records the failure (a job of another install finds nothing to record). */
  private async gaveUp(name: string, id: string | undefined, data: unknown, error: string): Promise<void> {
    const handler = this.index.get(name as JobName);
    if (!handler?.gaveUp) return;
    try {
      await handler.gaveUp(handler.parse(data), error);
    } catch (failure) {
      this.runtime.logger.error('could not record a job that gave up', { job: name, jobId: id, error: (failure as Error).message });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await this.connection?.quit();
  }
}
