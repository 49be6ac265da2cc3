import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { Client } from 'pg';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { loadSecretKey } from '../security/secret-box';
import { type DatabaseRoles, ensureDatabaseRoles } from './database-roles';
import { startEmbeddedPostgres } from './embedded-postgres';

/**
 * Finds (or, on a machine with nothing set up, starts) the PostgreSQL and Redis that Bulkhead runs on.
 * Order for each: the URL the user configured; a server already answering on the standard local port;
 * an embedded one (PostgreSQL from the @embedded-postgres binaries, see embedded-postgres.ts; Redis from
 * redis-server on the PATH).
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
      const superuser = { name: 'bulkhead', password: 'bulkhead' };
      const pg = await startEmbeddedPostgres({ dataDir: config.dataDir, port: embeddedPostgresPort, superuser, logger });
      stops.push(() => pg.stop());
      superuserUrl = `postgres://${superuser.name}:${superuser.password}@127.0.0.1:${embeddedPostgresPort}/bulkhead`;
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
      throw new Error(
        'Redis is not running and redis-server is not installed: start one with `docker compose up -d redis` (or install redis-server), or set REDIS_URL.',
      );
    }
    logger.info('starting redis-server', { port: embeddedRedisPort });
    const child: ChildProcess = spawn(
      binary,
      ['--bind', '127.0.0.1', '--port', String(embeddedRedisPort), '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
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
