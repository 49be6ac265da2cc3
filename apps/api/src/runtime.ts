import type { Config, Logger, SecretBox } from '@bulkhead/platform';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';

/**
 * What the API process runs on, created once at boot (or by a test) and handed to the Nest module.
 * Nest only wires controllers to it; it never creates connections itself.
 */
export interface ApiRuntime {
  config: Config;
  logger: Logger;
  db: DataSource;
  redis: Redis;
  queues: Map<string, Queue>;
  /** The prefix the queues (and other keys of this install in Redis) live under: configured, or derived from the database. */
  queuePrefix: string;
  /** Seals and opens secrets at rest (kubeconfigs). */
  secrets: SecretBox;
}

export const RUNTIME = Symbol('ApiRuntime');
