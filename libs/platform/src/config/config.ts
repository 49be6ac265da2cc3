import ipaddr from 'ipaddr.js';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_APPROVAL_TIERS, tierSchema, type Tier } from '@bulkhead/contracts';
import { z } from 'zod';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '@bulkhead/documents';

/**
 * Every setting Bulkhead reads, in one place. Nothing else in the code base reads process.env:
 * apps call loadConfig() once at boot and pass the typed result down.
 */
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Which peers may say, through X-Forwarded-For and X-Forwarded-Proto, who the client is and whether it
 * used TLS: `false`, a number of proxy hops, or addresses and ranges (`loopback`, `10.0.0.0/8`, ...).
 */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
const trustProxy = z
  .string()
  .refine(
    (v) =>
      v === 'false' ||
      /^\d+$/.test(v) ||
      v.split(',').every((part) => PROXY_RANGE_NAMES.includes(part.trim()) || ipaddr.isValid(part.trim()) || isRange(part.trim())),
    `must be false, a number of proxy hops, or addresses and ranges (${PROXY_RANGE_NAMES.join(', ')}, 10.0.0.0/8, ...) separated by commas`,
  )
  .transform((v): false | number | string[] =>
    v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((part) => part.trim()),
  );

function isRange(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'must be <host>:<port>, e.g. 10.0.0.5:9464 or [::1]:9464')
  .transform((v) => ({ host: v.slice(0, v.lastIndexOf(':')).replace(/^\[|\]$/g, ''), port: Number(v.slice(v.lastIndexOf(':') + 1)) }))
  .refine((v) => v.port <= 65535, 'the port must be at most 65535');

const schema = z.object({
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_MIGRATION_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  BULKHEAD_DATA_DIR: z.string().min(1).default('.data'),
  BULKHEAD_DEMO: bool.default(true),
  BULKHEAD_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  BULKHEAD_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  BULKHEAD_MAX_UPLOAD_MB: z.coerce.number().positive().default(2048),
  BULKHEAD_MAX_BODY_MB: z.coerce.number().positive().default(4),
  BULKHEAD_MAX_SNAPSHOT_MB: z.coerce.number().positive().default(50),
  BULKHEAD_MAX_PUBLIC_BODY_KB: z.coerce.number().positive().default(16),
  BULKHEAD_MAX_BUFFERED_MB: z.coerce.number().positive().default(256),
  BULKHEAD_HEADERS_TIMEOUT_S: z.coerce.number().positive().default(20),
  BULKHEAD_BODY_TIMEOUT_S: z.coerce.number().positive().default(60),
  BULKHEAD_BODY_IDLE_TIMEOUT_S: z.coerce.number().positive().default(10),
  BULKHEAD_TRUST_PROXY: trustProxy.default(false),
  BULKHEAD_CREDENTIAL_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  BULKHEAD_METRICS: z.enum(['authenticated', 'public']).default('authenticated'),
  BULKHEAD_METRICS_ADDRESS: hostPort.optional(),
  BULKHEAD_API_DOCS: z.enum(['authenticated', 'public', 'off']).default('authenticated'),
  BULKHEAD_MAX_GUNZIP_MB: z.coerce.number().positive().default(20480),
  BULKHEAD_SECRET_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  BULKHEAD_LOCAL_SERVICES: z.enum(['auto', 'embedded']).default('auto'),
  BULKHEAD_EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  BULKHEAD_EMBEDDED_REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(63799),
  BULKHEAD_APPROVAL_TIERS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    )
    .pipe(z.array(tierSchema))
    .default([...DEFAULT_APPROVAL_TIERS]),
  BULKHEAD_KUBECONFIG_ALLOW_HOST_CREDENTIALS: bool.default(false),
  BULKHEAD_CLUSTER_ALLOW_LOOPBACK: bool.default(false),
  BULKHEAD_GIT_ALLOW_FILE_URLS: bool.default(false),
  BULKHEAD_WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
  BULKHEAD_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  BULKHEAD_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes only')
    .optional(),
  BULKHEAD_ROLLOUT_STALL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(180),
  BULKHEAD_AUDIT_SINK: z
    .string()
    .refine(
      (value) => auditSinkOf(value) !== undefined,
      'must be file:/absolute/path.jsonl, an https:// URL, or an http:// URL on the loopback address',
    )
    .optional(),
  BULKHEAD_MAX_DOCUMENT_MB: z.coerce.number().positive().default(64),
  BULKHEAD_WORK_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  BULKHEAD_WORK_QUEUE: z.coerce.number().int().min(0).default(16),
  BULKHEAD_WORK_TIMEOUT_S: z.coerce.number().positive().default(60),
  BULKHEAD_WORK_MEMORY_MB: z.coerce.number().int().min(64).default(1024),
});

/** Where the worker streams the audit log: appended to a JSON-lines file, or POSTed to a webhook. */
export type AuditSinkTarget = { kind: 'file'; path: string } | { kind: 'webhook'; url: string };

function auditSinkOf(value: string): AuditSinkTarget | undefined {
  if (value.startsWith('file:')) {
    const path = value.slice('file:'.length);
    return isAbsolute(path) ? { kind: 'file', path } : undefined;
  }
  try {
    const url = new URL(value);
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback) ? { kind: 'webhook', url: url.toString() } : undefined;
  } catch {
    return undefined;
  }
}

export interface Config {
  /** `url` is the runtime role's; `migrationUrl`, the schema owner's, which migrations run as (see database-roles.ts). */
  database: { url?: string; migrationUrl?: string };
  redis: { url?: string };
  http: {
    port: number;
    host: string;
    /** Bodies read into memory: JSON of signed-in callers, snapshots (and simulations, which carry one), and anyone's (sign-in). */
    maxBodyBytes: number;
    maxSnapshotBytes: number;
    maxPublicBodyBytes: number;
    /** What all the bodies read into memory at once may hold together, in this process; a body past what is left is a 503. */
    maxBufferedBytes: number;
    /** Flow uploads, streamed to disk. */
    maxUploadBytes: number;
    /** All headers must arrive within headersMs; a body read into memory within bodyMs; no body may pause longer than bodyIdleMs. */
    timeouts: { headersMs: number; bodyMs: number; bodyIdleMs: number };
    /** How long a found API token or session is believed without asking the database again (0: ask every time); see RecentCredentials. */
    credentialCacheMs: number;
    /** Express's 'trust proxy': the peers whose X-Forwarded-* headers are believed. */
    trustProxy: false | number | string[];
  };
  /** Who may read /metrics on the API's port, or a separate address that serves it (without a token) instead. */
  metrics: { access: 'authenticated' | 'public'; address?: { host: string; port: number } };
  /** Who may read the OpenAPI document and its UI at /api/docs. */
  apiDocs: 'authenticated' | 'public' | 'off';
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
  /** How large a gzip flow file may grow when decompressed; past it the import fails (a gzip bomb). */
  flows: { maxGunzipBytes: number };
  dataDir: string;
  demo: boolean;
  bootstrapAdminToken?: string;
  bootstrapAdminPassword?: string;
  /** Key for secrets at rest (kubeconfigs); generated into the data folder when not given. */
  secretKey?: string;
  /** The queue prefix given by the operator; unset, each install derives its own from its database (see @bulkhead/jobs). */
  queuePrefix?: string;
  /** The tiers whose rollout stages wait for an approver, the first stage included (by default staging and prod); namespaces go down from them only by an approver's hand. */
  rollout: {
    approvalTiers: Tier[];
    /** How long a running rollout may go without a change past its last due moment before it counts as stalled. */
    stallMs: number;
  };
  /**
   * What a cluster's kubeconfig may make the server do. `allowHostCredentials`: exec and auth-provider
   * plugins, files on the host, proxies (otherwise only embedded credentials). `allowLoopback`: an API
   * server (or a git delivery's repository) on a loopback, link-local or unspecified address.
   * `allowGitFileUrls`: a git delivery may push to a file:// repository on the server's host (tests).
   */
  clusters: { allowHostCredentials: boolean; allowLoopback: boolean; allowGitFileUrls: boolean };
  /**
   * Webhook notifications. `allowLoopback`: a webhook URL may point to a loopback address, and then
   * over plain http (for tests and local receivers); link-local and unspecified addresses stay refused.
   * `attempts`: how many times a delivery is tried (back-off doubling from 2 s) before it is given up.
   */
  webhooks: { allowLoopback: boolean; attempts: number };
  auditSink?: AuditSinkTarget;
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
        const value = key in relevant && !/TOKEN|URL|PASSWORD|KEY|SINK/.test(key) ? ` (got "${relevant[key]}")` : '';
        return `${key}: ${issue.message}${value}`;
      }),
    );
  }
  const c = parsed.data;
  if (c.DATABASE_MIGRATION_URL && !c.DATABASE_URL)
    throw new ConfigError(["DATABASE_MIGRATION_URL: needs DATABASE_URL (the runtime role's) beside it"]);
  return {
    database: { url: c.DATABASE_URL, migrationUrl: c.DATABASE_MIGRATION_URL },
    redis: { url: c.REDIS_URL },
    http: {
      port: c.PORT,
      host: c.HOST,
      maxBodyBytes: c.BULKHEAD_MAX_BODY_MB * 1024 * 1024,
      maxSnapshotBytes: c.BULKHEAD_MAX_SNAPSHOT_MB * 1024 * 1024,
      maxPublicBodyBytes: c.BULKHEAD_MAX_PUBLIC_BODY_KB * 1024,
      maxBufferedBytes: c.BULKHEAD_MAX_BUFFERED_MB * 1024 * 1024,
      maxUploadBytes: c.BULKHEAD_MAX_UPLOAD_MB * 1024 * 1024,
      timeouts: {
        headersMs: c.BULKHEAD_HEADERS_TIMEOUT_S * 1000,
        bodyMs: c.BULKHEAD_BODY_TIMEOUT_S * 1000,
        bodyIdleMs: c.BULKHEAD_BODY_IDLE_TIMEOUT_S * 1000,
      },
      credentialCacheMs: c.BULKHEAD_CREDENTIAL_CACHE_MS,
      trustProxy: c.BULKHEAD_TRUST_PROXY,
    },
    metrics: { access: c.BULKHEAD_METRICS, address: c.BULKHEAD_METRICS_ADDRESS },
    apiDocs: c.BULKHEAD_API_DOCS,
    log: { level: c.LOG_LEVEL },
    flows: { maxGunzipBytes: c.BULKHEAD_MAX_GUNZIP_MB * 1024 * 1024 },
    dataDir: resolve(c.BULKHEAD_DATA_DIR),
    demo: c.BULKHEAD_DEMO,
    bootstrapAdminToken: c.BULKHEAD_ADMIN_TOKEN,
    bootstrapAdminPassword: c.BULKHEAD_ADMIN_PASSWORD,
    secretKey: c.BULKHEAD_SECRET_KEY,
    queuePrefix: c.BULKHEAD_QUEUE_PREFIX,
    rollout: { approvalTiers: c.BULKHEAD_APPROVAL_TIERS, stallMs: c.BULKHEAD_ROLLOUT_STALL_SECONDS * 1000 },
    clusters: {
      allowHostCredentials: c.BULKHEAD_KUBECONFIG_ALLOW_HOST_CREDENTIALS,
      allowLoopback: c.BULKHEAD_CLUSTER_ALLOW_LOOPBACK,
      allowGitFileUrls: c.BULKHEAD_GIT_ALLOW_FILE_URLS,
    },
    webhooks: { allowLoopback: c.BULKHEAD_WEBHOOK_ALLOW_LOOPBACK, attempts: c.BULKHEAD_WEBHOOK_ATTEMPTS },
    auditSink: c.BULKHEAD_AUDIT_SINK ? auditSinkOf(c.BULKHEAD_AUDIT_SINK) : undefined,
    documents: { maxExpandedBytes: c.BULKHEAD_MAX_DOCUMENT_MB * 1024 * 1024, maxDepth: DEFAULT_DOCUMENT_LIMITS.maxDepth },
    workThreads: {
      size: c.BULKHEAD_WORK_THREADS,
      queueSize: c.BULKHEAD_WORK_QUEUE,
      timeoutMs: c.BULKHEAD_WORK_TIMEOUT_S * 1000,
      maxMemoryMb: c.BULKHEAD_WORK_MEMORY_MB,
    },
    localServices: {
      mode: c.BULKHEAD_LOCAL_SERVICES,
      embeddedPostgresPort: c.BULKHEAD_EMBEDDED_PG_PORT,
      embeddedRedisPort: c.BULKHEAD_EMBEDDED_REDIS_PORT,
    },
  };
}
