import { JOB_QUEUE, jobId, type JobName, type JobPayloads } from '@bulkhead/contracts';
import type { Queue } from 'bullmq';

/**
 * Enqueues typed jobs. The job id is the job's idempotency key, so enqueueing the same work twice
 * (a retried HTTP request, a reconciler that runs again) adds it once.
 */
export class BullJobQueue {
  constructor(private readonly queues: Map<string, Queue>) {}

  /** Adds the job unless one with the same id is waiting or running; `delayMs` defers it. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: { delayMs?: number } = {}): Promise<void> {
    await this.enqueueMany([{ name, payload, delayMs: options.delayMs }]);
  }

  /** Adds several jobs with one round trip per queue, each unless its id is already waiting or running. */
  async enqueueMany(jobs: ReadonlyArray<NewJob<JobName>>): Promise<void> {
    const byQueue = new Map<Queue, Parameters<Queue['addBulk']>[0]>();
    for (const { name, payload, delayMs } of jobs) {
      const queue = this.queues.get(JOB_QUEUE[name]);
      if (!queue) throw new Error(`queue ${JOB_QUEUE[name]} is not open in this process`);
      const batch = byQueue.get(queue) ?? [];
      byQueue.set(queue, batch);
      batch.push({
        name,
        data: payload,
        opts: {
          jobId: (jobId[name] as (p: JobPayloads[JobName]) => string)(payload),
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          // The database holds every outcome; a finished job is removed so that its id can be used again.
          // A failed rollout job goes too: kept, its id would block the same command for good, while the
          // reconciler re-issues whatever the state still wants.
          removeOnComplete: true,
          removeOnFail: name === 'flow-import.run' ? { age: 7 * 24 * 3600 } : true,
          ...(delayMs && delayMs > 0 ? { delay: delayMs } : {}),
        },
      });
    }
    await Promise.all([...byQueue].map(([queue, batch]) => queue.addBulk(batch)));
  }
}

export type NewJob<N extends JobName> = { name: N; payload: JobPayloads[N]; delayMs?: number };
