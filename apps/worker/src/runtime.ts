import type { BullJobQueue } from '@bulkhead/jobs';
import type { Config, DatabaseIdentity, Logger, SecretBox } from '@bulkhead/platform';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

/** What the worker runs on, opened once at boot (or by a test) and handed to the Nest context. */
export interface WorkerRuntime {
  config: Config;
  logger: Logger;
  db: DataSource;
  redisUrl: string;
  /** The client connection the queues below use: when it connects again, the worker re-checks everything. */
  redis: Redis;
  /** Which database this is, and the queue prefix it holds in Redis (see resolveQueuePrefix). */
  identity: DatabaseIdentity;
  queuePrefix: string;
  /** Opens sealed kubeconfigs. */
  secrets: SecretBox;
  /** The queues, by name, and the typed way to enqueue into them (rollout commands, wake-ups, re-dispatches). */
  queues: Map<string, Queue>;
  jobs: BullJobQueue;
}

/**
 * What a test may add to the worker's work without a setting of its own in production: the crash tests
 * kill the worker at a checkpoint (test/support/crash-worker.ts). A production worker runs NO_HOOKS.
 */
export interface WorkerHooks {
  /** Handed to the rollout loop as its checkpoint (RolloutCore.checkpoint names the points). */
  checkpoint(point: string): void;
}

export const NO_HOOKS: WorkerHooks = { checkpoint: () => undefined };

export const WORKER_RUNTIME = Symbol('WorkerRuntime');
export const JOB_HANDLERS = Symbol('JobHandlers');
/** The hooks the flow collectors pass their crash points to. */
export const COLLECTOR_HOOKS = Symbol('CollectorHooks');
