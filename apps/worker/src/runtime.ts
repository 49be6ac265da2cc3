import type { BullJobQueue } from '@bulkhead/jobs';
import type { Config, Logger, SecretBox } from '@bulkhead/platform';
import type { DataSource } from 'typeorm';

/** What the worker runs on, opened once at boot (or by a test) and handed to the Nest context. */
export interface WorkerRuntime {
  config: Config;
  logger: Logger;
  db: DataSource;
  redisUrl: string;
  /** Opens sealed kubeconfigs. */
  secrets: SecretBox;
  /** For jobs that enqueue others (rollout commands, wake-ups). */
  jobs: BullJobQueue;
}

export const WORKER_RUNTIME = Symbol('WorkerRuntime');
export const JOB_HANDLERS = Symbol('JobHandlers');
