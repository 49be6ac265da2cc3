/**
 * Every background job: its queue, its name and its payload. Payloads carry ids only; a handler
 * re-reads the state from PostgreSQL, so a replayed job does the right thing. `v` versions the payload.
 */
export const QUEUES = {
  imports: 'imports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  'flow-import.run': { v: 1; importId: string };
}
export type JobName = keyof JobPayloads;

/** Which queue carries each job. A job missing here does not compile. */
export const JOB_QUEUE: { [K in JobName]: QueueName } = {
  'flow-import.run': QUEUES.imports,
};

/** BullMQ job ids double as idempotency keys: enqueueing the same key twice adds one job. BullMQ forbids ':' in them. */
export const jobId: { [K in JobName]: (payload: JobPayloads[K]) => string } = {
  'flow-import.run': (p) => `flow-import.run.${p.importId}`,
};

export type JobOutcome = { status: 'done' | 'skipped'; detail?: string };
