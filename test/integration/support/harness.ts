import { QUEUES, type Role } from '@bulkhead/contracts';
import { createToken, createUser } from '@bulkhead/access';
import { databaseIdentity, openDatabase, TypeOrmTokenStore, TypeOrmUserStore } from '@bulkhead/persistence';
import {
  UploadStorage,
  createLogger,
  createRedis,
  ensureDatabaseExists,
  ensureDatabaseRoles,
  loadConfig,
  nodeTokenCrypto,
  prefixOwnerKey,
  resolveQueuePrefix,
  scryptPasswordHasher,
  loadSecretKey,
  SecretBox,
  type Config,
  type DatabaseRoles,
  type DatabaseUrls,
} from '@bulkhead/platform';
import type { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { seedDemo } from '../../../apps/api/src/demo/seed-demo';
import { CLUSTER_DEPS, FLOW_IMPORT_DEPS, FLOW_SOURCE_DEPS, INVENTORY_DEPS } from '../../../apps/api/src/stores.providers';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { migrations } from '@bulkhead/migrations';
import { createApiApp } from '../../../apps/api/src/app';
import type { ApiRuntime } from '../../../apps/api/src/runtime';
import { BullJobQueue } from '@bulkhead/jobs';
import { startWorker, type RunningWorker } from '../../../apps/worker/src/worker';

/**
 * A real API on the real PostgreSQL and Redis: each test file gets its own database and its own
 * queue prefix, so files can run side by side and leave nothing behind. Pass BULKHEAD_QUEUE_PREFIX: ''
 * for the prefix an install derives from its database, `redisUrl` for a Redis of the test's own, and
 * `databaseServer` for a PostgreSQL server of its own (a superuser URL without a database).
 */
const SERVER = process.env.TEST_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * As in production, the API connects as a runtime role that owns nothing, and migrations run as the
 * owner role. Roles are global to the server, so every test file shares these two.
 */
const TEST_DATABASE_ROLES: DatabaseRoles = {
  owner: { name: 'bulkhead_test_owner', password: 'bulkhead-test-owner' },
  runtime: { name: 'bulkhead_test_app', password: 'bulkhead-test-app' },
};

/** Every role has a user `<role>-user` with this password. */
export const USER_PASSWORD = 'correct horse battery';

export interface Harness {
  url: string;
  /** Connected as the runtime role, like the API. */
  db: DataSource;
  /** The test database's URL for the runtime role and for the owner role. */
  databaseUrls: DatabaseUrls;
  config: Config;
  /** The prefix the queues live under: the one configured, or the one derived from the database. */
  queuePrefix: string;
  runtime: ApiRuntime;
  app: INestApplication;
  tokens: Record<Role, string>;
  /** fetch against the API with a role's token (or none). */
  /** Polls until the predicate holds (or fails after a timeout), for work a worker does. */
  waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs?: number): Promise<T>;
  call(
    method: string,
    path: string,
    options?: { role?: Role | null; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Stops the in-process worker (tests that run workers as child processes). */
  stopWorker(): Promise<void>;
  /** Starts an in-process worker (again). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_REDIS_URL = REDIS;

function newDatabaseName(): string {
  return `bulkhead_test_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
}

async function asSuperuser<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function dropper(server: string, name: string): () => Promise<void> {
  return () =>
    asSuperuser(`${server}/postgres`, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);
}

/** An empty database of its own, and the way to drop it again. */
export async function testDatabase(server = SERVER): Promise<{ url: string; drop(): Promise<void> }> {
  const name = newDatabaseName();
  const url = `${server}/${name}`;
  await ensureDatabaseExists(url);
  return { url, drop: dropper(server, name) };
}

/**
 * The name of a database holding every migration, made once per server and per set of migrations (named
 * by a hash of their code) and then only copied: `CREATE DATABASE ... TEMPLATE` takes about a tenth of a
 * second where running the migrations takes two, and most test files start an API. It is built under
 * another name and renamed when complete, under an advisory lock, so files running side by side build it
 * once and never copy half of it. Templates stay as a cache between runs; any `bulkhead_test_template_*`
 * may be dropped.
 */
const templates = new Map<string, Promise<string>>();
function migratedTemplate(server: string): Promise<string> {
  const hash = createHash('sha256');
  for (const migration of migrations) hash.update(migration.toString());
  const name = `bulkhead_test_template_${hash.digest('hex').slice(0, 16)}`;
  let made = templates.get(`${server} ${name}`);
  if (!made) {
    made = asSuperuser(`${server}/postgres`, async (admin) => {
      await admin.query(`SELECT pg_advisory_lock(hashtext($1))`, [name]);
      try {
        const found = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
        if (found.rowCount === 0) {
          const building = `${name}_building`;
          await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
          const urls = await ensureDatabaseRoles(`${server}/${building}`, TEST_DATABASE_ROLES);
          const { db } = await openDatabase(urls.url, migrations, { poolSize: 1, migrationUrl: urls.migrationUrl });
          await db.destroy();
          await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        }
        return name;
      } finally {
        await admin.query(`SELECT pg_advisory_unlock(hashtext($1))`, [name]);
      }
    });
    templates.set(`${server} ${name}`, made);
  }
  return made;
}

/**
 * A database of its own with every migration run, copied from the template, and the way to drop it again.
 * The copy gets an install identity of its own, as a database migrated from scratch would.
 */
export async function migratedDatabase(server = SERVER): Promise<{ url: string; drop(): Promise<void> }> {
  const template = await migratedTemplate(server);
  const name = newDatabaseName();
  const url = `${server}/${name}`;
  await asSuperuser(`${server}/postgres`, (admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  await asSuperuser(url, (client) => client.query(`UPDATE install_identity SET id = gen_random_uuid(), created_at = now()`));
  return { url, drop: dropper(server, name) };
}

/** A test database of its own with every migration run (as its superuser), and the way to drop it again. */
export async function migratedTestDatabase(): Promise<{ db: DataSource; close(): Promise<void> }> {
  const database = await migratedDatabase();
  const { db } = await openDatabase(database.url, migrations);
  return {
    db,
    close: async () => {
      await db.destroy();
      await database.drop();
    },
  };
}

/** `log` receives every log line of the API and its worker (at LOG_LEVEL), for tests that read the log. */
export async function startApi(
  env: Record<string, string> = {},
  options: { worker?: boolean; log?: (line: string) => void; redisUrl?: string; databaseServer?: string } = {},
): Promise<Harness> {
  const database = await migratedDatabase(options.databaseServer);
  const databaseUrls = await ensureDatabaseRoles(database.url, TEST_DATABASE_ROLES);
  const redisUrl = options.redisUrl ?? REDIS;
  const tag = `bh-test-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrls.url,
    DATABASE_MIGRATION_URL: databaseUrls.migrationUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BULKHEAD_QUEUE_PREFIX: tag,
    PORT: '0',
    BULKHEAD_DATA_DIR: `/tmp/${tag}`,
    ...env,
  });
  const logger = createLogger(config.log.level, {}, options.log);
  const { db } = await openDatabase(databaseUrls.url, migrations, { poolSize: 4, migrationUrl: databaseUrls.migrationUrl });
  const redis = createRedis(redisUrl, 'client');
  const identity = await databaseIdentity(db);
  const prefix = await resolveQueuePrefix(redis, config.queuePrefix, identity);
  const queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix })]));
  // As the product does: a worker started as a process on the same data folder opens what this API seals.
  const secrets = new SecretBox(await loadSecretKey(config.secretKey, config.dataDir));
  const runtime: ApiRuntime = { config, logger, db, redis, queues, queuePrefix: prefix, secrets };
  const app = await createApiApp(runtime);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  let worker: RunningWorker | undefined;
  const startInProcess = () =>
    startWorker({
      config,
      logger,
      db,
      redisUrl,
      redis,
      identity,
      queuePrefix: prefix,
      secrets: runtime.secrets,
      queues,
      jobs: new BullJobQueue(queues),
    });
  if (options.worker) worker = await startInProcess();

  const store = new TypeOrmTokenStore(db);
  const tokens = {} as Record<Role, string>;
  for (const role of ['viewer', 'operator', 'approver', 'admin'] as Role[]) {
    const user = await createUser(
      { users: new TypeOrmUserStore(db), hasher: scryptPasswordHasher },
      { username: `${role}-user`, password: USER_PASSWORD, role },
    );
    tokens[role] = (
      await createToken(store, nodeTokenCrypto, { name: `test-${role}`, role, ownerId: user.id, expiresAt: null }, new Date())
    ).token;
  }

  return {
    url,
    db,
    databaseUrls,
    config,
    queuePrefix: prefix,
    runtime,
    app,
    tokens,
    async waitFor(read, done, timeoutMs = 15000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async call(method, path, options = {}) {
      const role = options.role === undefined ? 'admin' : options.role;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (role) headers.authorization = `Bearer ${tokens[role]}`;
      let body: string | Buffer | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(`${url}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    async startWorker() {
      worker ??= await startInProcess();
    },
    async close() {
      await worker?.close();
      await app.close();
      for (const queue of queues.values()) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
      await redis.del(prefixOwnerKey(prefix)).catch(() => undefined);
      await redis.quit();
      await db.destroy();
      await database.drop();
    },
  };
}

/**
 * Seeds the demo cluster into a harness (as `npm start` does) and waits until the worker imported its flows.
 * With `liveSources`, it also gets the demo's simulated flow source `live`, as `BULKHEAD_DEMO=true` gives it.
 */
export async function seedDemoCluster(
  api: Harness,
  now = new Date('2026-11-28T12:00:00Z'),
  { liveSources = false }: { liveSources?: boolean } = {},
): Promise<string> {
  const deps = { ...api.app.get(CLUSTER_DEPS), ...api.app.get(INVENTORY_DEPS), ...api.app.get(FLOW_IMPORT_DEPS) };
  const uploads = new UploadStorage(join(api.config.dataDir, 'uploads'));
  const sources = liveSources ? api.app.get(FLOW_SOURCE_DEPS) : undefined;
  const clusterId = await seedDemo(deps, api.db, uploads, now, createLogger('silent'), sources);
  if (!clusterId) throw new Error('the demo cluster exists already in this database');
  const [imp] = (await api.call('GET', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'viewer' })).body.items;
  await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${imp.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded',
    30000,
  );
  return clusterId;
}

/**
 * The exclusions a test's rollout request needs to leave out the plan's namespaces without a tier (the
 * demo's kube-system, monitoring, ...), which a request must place in a stage or exclude on purpose.
 */
export async function untieredExclusions(api: Harness, planId: string): Promise<Array<{ namespace: string; reason: string }>> {
  const coverage = await api.call('GET', `/api/v1/plans/${planId}/rollout-coverage`, { role: 'viewer' });
  if (coverage.status !== 200) throw new Error(`rollout coverage: ${coverage.status} ${JSON.stringify(coverage.body)}`);
  return coverage.body.namespaces
    .filter((ns: { tier: string | null }) => ns.tier === null)
    .map((ns: { namespace: string }) => ({ namespace: ns.namespace, reason: 'no tier: left out of this test rollout' }));
}
