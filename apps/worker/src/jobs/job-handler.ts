import type { JobName, JobOutcome, JobPayloads } from '@bulkhead/contracts';

/** One handler per job name: checks the payload, calls one use case, reports done or skipped. */
export interface JobHandler<N extends JobName = JobName> {
  readonly name: N;
  /** Returns the payload typed, or throws when it is not a payload this version understands. */
  parse(data: unknown): JobPayloads[N];
  handle(payload: JobPayloads[N], progress: (value: object) => Promise<void>): Promise<JobOutcome>;
  /**
   * Whether what the job is about (an import, a cluster, a rollout) is in this worker's database. A job
   * whose record is not there was deleted since it was queued, or belongs to another install that shares
   * the queues: it is failed at once and for good, never completed, so that another install still runs
   * it (its reconciler dispatches it again). Jobs about no record in particular have none.
   */
  isInThisDatabase?(payload: JobPayloads[N]): Promise<boolean>;
  /**
   * Called once the job has failed for good (its last attempt, or refused as unrecoverable): records the
   * failure where the work is tracked in PostgreSQL, so that no record is left half-done and the work is
   * finished (as failed) rather than dispatched again and again.
   */
  gaveUp?(payload: JobPayloads[N], error: string): Promise<void>;
}

/**
 * The worker refuses to boot when a job has no handler or two: a job that nobody consumes would
 * wait forever, and two consumers would race.
 */
export function indexHandlers(handlers: JobHandler[], jobNames: readonly JobName[]): Map<JobName, JobHandler> {
  const index = new Map<JobName, JobHandler>();
  for (const handler of handlers) {
    if (index.has(handler.name)) throw new Error(`job "${handler.name}" has two handlers`);
    index.set(handler.name, handler);
  }
  const missing = jobNames.filter((name) => !index.has(name));
  if (missing.length) throw new Error(`no handler for job(s): ${missing.join(', ')}`);
  const unknown = [...index.keys()].filter((name) => !jobNames.includes(name));
  if (unknown.length) throw new Error(`handler(s) for unknown job(s): ${unknown.join(', ')}`);
  return index;
}
