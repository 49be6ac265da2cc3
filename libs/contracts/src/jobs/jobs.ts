/**
 * Every background job: its queue, its name and its payload. Payloads carry ids only; a handler
 * re-reads the state from PostgreSQL, so a replayed job does the right thing. `v` versions the payload.
 */
export const QUEUES = {
  imports: 'imports',
  rollouts: 'rollouts',
  notifications: 'notifications',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  'flow-import.run': { v: 1; importId: string };
  /** Attribute again the flows of the cluster's imports kept unattributed, now that its inventory changed. */
  'flow-import.reattribute': { v: 1; clusterId: string };
  /** Look at a rollout now, or at `at` (a wake-up: settle time, probe retry, window, schedule). */
  'rollout.advance': { v: 1; rolloutId: string; at?: string };
  /** Carry out one outstanding command of a rollout, found again by its key in the state. */
  'rollout.command': { v: 1; rolloutId: string; key: string };
  /** Every so often: look at every active rollout, so that nothing waits on a lost job (a flushed Redis, say). */
  'rollout.reconcile': { v: 1 };
  /** Replace a cluster's inventory with what its driver discovers (namespaces, pods, workloads, policies, CNI). */
  'cluster.sync': { v: 1; clusterId: string };
  /** Re-check a cluster a plan was rolled out to (or, without clusterId, every such cluster) for drift. */
  'cluster.drift-check': { v: 1; clusterId?: string };
  /** Carry out a drift action a person asked for (re-apply the plan, or accept the live state), then check drift again. */
  'drift.act': { v: 1; actionId: string };
  /** Send one webhook delivery of the outbox (found by its idempotency key), until the receiver takes it. */
  'webhook.deliver': { v: 1; idempotencyKey: string };
}
export type JobName = keyof JobPayloads;

/** Which queue carries each job. A job missing here does not compile. */
export const JOB_QUEUE: { [K in JobName]: QueueName } = {
  'flow-import.run': QUEUES.imports,
  'flow-import.reattribute': QUEUES.imports,
  'rollout.advance': QUEUES.rollouts,
  'rollout.command': QUEUES.rollouts,
  'rollout.reconcile': QUEUES.rollouts,
  'cluster.drift-check': QUEUES.rollouts,
  'drift.act': QUEUES.rollouts,
  'cluster.sync': QUEUES.imports,
  'webhook.deliver': QUEUES.notifications,
};

/** BullMQ job ids double as idempotency keys: enqueueing the same key twice adds one job. BullMQ forbids ':' in them. */
export const jobId: { [K in JobName]: (payload: JobPayloads[K]) => string } = {
  'flow-import.run': (p) => `flow-import.run.${p.importId}`,
  'flow-import.reattribute': (p) => `flow-import.reattribute.${p.clusterId}`,
  'rollout.advance': (p) => `rollout.advance.${p.rolloutId}.${p.at ? Date.parse(p.at) : 'now'}`,
  'rollout.command': (p) => `rollout.command.${p.key}`,
  'rollout.reconcile': () => 'rollout.reconcile',
  'cluster.drift-check': (p) => `cluster.drift-check.${p.clusterId ?? 'all'}`,
  'drift.act': (p) => `drift.act.${p.actionId}`,
  'cluster.sync': (p) => `cluster.sync.${p.clusterId}`,
  'webhook.deliver': (p) => `webhook.deliver.${p.idempotencyKey}`,
};

export type JobOutcome = { status: 'done' | 'skipped'; detail?: string };
