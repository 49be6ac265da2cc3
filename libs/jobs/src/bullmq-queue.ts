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
    const queue = this.queues.get(JOB_QUEUE[name]);
    if (!queue) throw new Error(`queue ${JOB_QUEUE[name]} is not open in this process`);
    await queue.add(name, payload, {
      jobId: jobId[name](payload),
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      // The database holds every outcome; a finished job is removed so that its id can be used again.
      // A failed rollout job goes too: kept, its id would block the same command for good, while the
      // reconciler re-issues whatever the state still wants.
      removeOnComplete: true,
      removeOnFail: name === 'flow-import.run' ? { age: 7 * 24 * 3600 } : true,
      ...(options.delayMs && options.delayMs > 0 ? { delay: options.delayMs } : {}),
    });
  }
}
