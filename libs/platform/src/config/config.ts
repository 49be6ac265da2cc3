import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '@bulkhead/documents';

/**
 * Every setting Bulkhead reads, in one place. Nothing else in the code base reads process.env:
 * apps call loadConfig() once at boot and pass the typed result down.
 */
const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  BULKHEAD_DATA_DIR: z.string().min(1).default('.data'),
  BULKHEAD_DEMO: bool.default(true),
  BULKHEAD_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  BULKHEAD_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  BULKHEAD_MAX_UPLOAD_MB: z.coerce.number().positive().default(2048),
  BULKHEAD_MAX_BODY_MB: z.coerce.number().positive().default(50),
  BULKHEAD_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  BULKHEAD_LOCAL_SERVICES: z.enum(['auto', 'embedded']).default('auto'),
  BULKHEAD_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  BULKHEAD_EMBEDDED_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(63799),
  BULKHEAD_CRASH_AT: z
    .string()
    .regex(/^[a-zA-Z.]+:\d+$/, 'must be <checkpoint>:<n>, e.g. driver.applyPolicies:2')
    .optional()
    .describe('Testing only: the worker kills itself (SIGKILL) at the nth pass through a checkpoint'),
  BULKHEAD_MAX_DOCUMENT_MB: z.coerce.number().positive().default(64),
  BULKHEAD_WORK_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  BULKHEAD_WORK_QUEUE: z.coerce.number().int().min(0).default(16),
  BULKHEAD_WORK_TIMEOUT_S: z.coerce.number().positive().default(60),
  BULKHEAD_WORK_MEMORY_MB: z.coerce.number().int().min(64).default(1024),
  BULKHEAD_QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes only').default('bulkhead'),
});

export interface Config {
  database: { url?: string };
  redis: { url?: string };
  http: { port: number; host: string; maxBodyBytes: number; maxUploadBytes: number };
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
  dataDir: string;
  demo: boolean;
  bootstrapAdminToken?: string;
  bootstrapAdminPassword?: string;
  /** Testing only (the crash tests): SIGKILL the worker at the nth pass through this checkpoint. */
  crashAt?: { point: string; nth: number };
  /** Key for secrets at rest (kubeconfigs); generated into the data folder when not given. */
  secretKey?: string;
  queuePrefix: string;
  /** Bounds of every JSON or YAML document read from a request: expanded size (aliases counted in full) and depth. */
  documents: DocumentLimits;
  /**
   * The worker threads that run heavy pure work (simulate, snapshot reading, plan building) off the
   * event loop: how many, how many tasks may wait (more answer 503), and each task's time and heap limits.
   */
  workThreads: { size: number; queueSize: number; timeoutMs: number; maxMemoryMb: number };
  /**
   * Where PostgreSQL and Redis come from when no URL is set: `auto` uses servers answering on the
   * standard local ports and starts embedded ones otherwise; `embedded` always starts its own.
   */
  localServices: { mode: 'auto' | 'embedded'; embeddedPostgresPort: number; embeddedRedisPort: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0]);
        const value = key in relevant && !/TOKEN|URL|PASSWORD|KEY/.test(key) ? ` (got "${relevant[key]}")` : '';
        return `${key}: ${issue.message}${value}`;
      }),
    );
  }
  const c = parsed.data;
  return {
    database: { url: c.DATABASE_URL },
    redis: { url: c.REDIS_URL },
    http: { port: c.PORT, host: c.HOST, maxBodyBytes: c.BULKHEAD_MAX_BODY_MB * 1024 * 1024, maxUploadBytes: c.BULKHEAD_MAX_UPLOAD_MB * 1024 * 1024 },
    log: { level: c.LOG_LEVEL },
    dataDir: resolve(c.BULKHEAD_DATA_DIR),
    demo: c.BULKHEAD_DEMO,
    bootstrapAdminToken: c.BULKHEAD_ADMIN_TOKEN,
    bootstrapAdminPassword: c.BULKHEAD_ADMIN_PASSWORD,
    secretKey: c.BULKHEAD_SECRET_KEY,
    crashAt: c.BULKHEAD_CRASH_AT ? { point: c.BULKHEAD_CRASH_AT.split(':')[0], nth: Number(c.BULKHEAD_CRASH_AT.split(':')[1]) } : undefined,
    queuePrefix: c.BULKHEAD_QUEUE_PREFIX,
    documents: { maxExpandedBytes: c.BULKHEAD_MAX_DOCUMENT_MB * 1024 * 1024, maxDepth: DEFAULT_DOCUMENT_LIMITS.maxDepth },
    workThreads: { size: c.BULKHEAD_WORK_THREADS, queueSize: c.BULKHEAD_WORK_QUEUE, timeoutMs: c.BULKHEAD_WORK_TIMEOUT_S * 1000, maxMemoryMb: c.BULKHEAD_WORK_MEMORY_MB },
    localServices: { mode: c.BULKHEAD_LOCAL_SERVICES, embeddedPostgresPort: c.BULKHEAD_EMBEDDED_PG_PORT, embeddedRedisPort: c.BULKHEAD_EMBEDDED_REDIS_PORT },
  };
}
