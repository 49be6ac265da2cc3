import { JOB_QUEUE, jobId, type JobName, type JobPayloads } from '@bulkhead/contracts';
import type { Queue } from 'bullmq';

/**
 * Enqueues typed jobs. The job id is the job's idempotency key, so enqueueing the same work twice
 * (a retried HTTP request, a reconciler that runs again) adds it once.
 */
export class BullJobQueue {
  constructor(private readonly queues: Map<string, Queue>) {}

  /**
   * Adds the job again unless one with its id is waiting, delayed or running: for work that PostgreSQL
   * says is unfinished, whose job was lost (Redis lost its data) or has failed for good. A failed job of
   * that id is removed first, since it would block the id. True when the job was added.
   */
  async restoreIfLost<N extends JobName>(name: N, payload: JobPayloads[N], options: { attempts?: number } = {}): Promise<boolean> {
    const queue = this.queueOf(name);
    const id = (jobId[name] as (p: JobPayloads[N]) => string)(payload);
    const state = await queue.getJobState(id);
    if (LIVE_STATES.has(state)) return false;
    if (state !== 'unknown') await queue.remove(id);
    await this.enqueue(name, payload, options);
    return true;
  }

  private queueOf(name: JobName): Queue {
    const queue = this.queues.get(JOB_QUEUE[name]);
    if (!queue) throw new Error(`queue ${JOB_QUEUE[name]} is not open in this process`);
    return queue;
  }

  /** Adds the job unless one with the same id is waiting or running; `delayMs` defers it, `attempts` replaces the usual five. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], options: { delayMs?: number; attempts?: number } = {}): Promise<void> {
    await this.enqueueMany([{ name, payload, ...options }]);
  }

  /** Adds several jobs with one round trip per queue, each unless its id is already waiting or running. */
  async enqueueMany(jobs: ReadonlyArray<NewJob<JobName>>): Promise<void> {
    const byQueue = new Map<Queue, Parameters<Queue['addBulk']>[0]>();
    for (const { name, payload, delayMs, attempts } of jobs) {
      const queue = this.queueOf(name);
      const batch = byQueue.get(queue) ?? [];
      byQueue.set(queue, batch);
      batch.push({
        name,
        data: payload,
        opts: {
          jobId: (jobId[name] as (p: JobPayloads[JobName]) => string)(payload),
          attempts: attempts ?? 5,
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

/** The states of a job that will still run, or is running. */
const LIVE_STATES = new Set<string>(['waiting', 'waiting-children', 'prioritized', 'delayed', 'active']);

export type NewJob<N extends JobName> = { name: N; payload: JobPayloads[N]; delayMs?: number; attempts?: number };
