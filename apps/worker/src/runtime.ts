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

export const WORKER_RUNTIME = Symbol('WorkerRuntime');
export const JOB_HANDLERS = Symbol('JobHandlers');
