import 'reflect-metadata';
import { QUEUES } from '@bulkhead/contracts';
import { ensureBootstrapAdmin } from '@bulkhead/access';
import { databaseIdentity, openDatabase, RUNTIME_ROLE_OWNS_SCHEMA, TypeOrmTokenStore, TypeOrmUserStore } from '@bulkhead/persistence';
import {
  ConfigError,
  createLogger,
  createRedis,
  resolveQueuePrefix,
  loadConfig,
  nodeTokenCrypto,
  provideLocalServices,
  scryptPasswordHasher,
  stopOnSignals,
  SecretBox,
  loadSecretKey,
  superviseChild,
  type SupervisedChild,
  UploadStorage,
} from '@bulkhead/platform';
import { Queue } from 'bullmq';
import { join } from 'node:path';
import { migrations } from '@bulkhead/migrations';
import { announceBootstrapSecrets } from './access/bootstrap-secrets';
import { createApiApp } from './app';
import { seedDemo } from './demo/seed-demo';
import { CLUSTER_DEPS, FLOW_IMPORT_DEPS, FLOW_SOURCE_DEPS, INVENTORY_DEPS } from './stores.providers';

/**
 * `npm start`: the API, and with --with-worker a worker process beside it, on the configured
 * PostgreSQL and Redis or on local ones found or started for the purpose.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level, { service: 'api' });
  const services = await provideLocalServices(config, logger);
  const { db, applied, runtimeRoleOwnsSchema } = await openDatabase(services.databaseUrl, migrations, {
    migrationUrl: services.migrationDatabaseUrl,
  });
  if (applied.length) logger.info('migrations applied', { migrations: applied });
  if (runtimeRoleOwnsSchema) logger.warn(RUNTIME_ROLE_OWNS_SCHEMA);
  const redis = createRedis(services.redisUrl, 'client');
  const queuePrefix = await resolveQueuePrefix(redis, config.queuePrefix, await databaseIdentity(db));
  const queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix: queuePrefix })]));

  // Shown once, never in the structured log: on a terminal, or in a file only this user can read.
  const firstStart = await ensureBootstrapAdmin(
    {
      users: new TypeOrmUserStore(db),
      tokens: new TypeOrmTokenStore(db),
      hasher: scryptPasswordHasher,
      crypto: nodeTokenCrypto,
      warn: (message, fields) => logger.warn(message, fields),
    },
    { token: config.bootstrapAdminToken, password: config.bootstrapAdminPassword },
    new Date(),
  );
  const terminal = {
    isTerminal: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    write: (text: string) => void process.stderr.write(text),
  };
  await announceBootstrapSecrets(firstStart, terminal, config.dataDir);

  const secrets = new SecretBox(await loadSecretKey(config.secretKey, config.dataDir));
  const app = await createApiApp({ config, logger, db, redis, queues, queuePrefix, secrets });
  if (config.demo)
    await seedDemo(
      { ...app.get(CLUSTER_DEPS), ...app.get(INVENTORY_DEPS), ...app.get(FLOW_IMPORT_DEPS) },
      db,
      new UploadStorage(join(config.dataDir, 'uploads')),
      new Date(),
      logger,
      app.get(FLOW_SOURCE_DEPS),
    );
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  logger.info('API listening', { url: url.replace('[::1]', 'localhost'), docs: config.apiDocs === 'off' ? undefined : `${url}/api/docs` });

  // The worker child is restarted with a backoff when it exits, and exits itself when this process
  // dies, however it dies (see superviseChild and stopOnSignals): never an orphan.
  let worker: SupervisedChild | undefined;
  if (process.argv.includes('--with-worker')) {
    worker = superviseChild(
      'worker',
      join(__dirname, '../../worker/src/main.js'),
      // The schema is migrated by now: the worker gets the runtime role alone, never the owner's credentials.
      { ...withoutKey(process.env, 'DATABASE_MIGRATION_URL'), DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl },
      logger,
    );
  }

  stopOnSignals(logger, [
    () => worker?.stop(),
    () => app.close(),
    () => Promise.all([...queues.values()].map((q) => q.close())),
    () => redis.quit(),
    () => db.destroy(),
    () => services.stop(),
  ]);
}

function withoutKey(env: NodeJS.ProcessEnv, key: string): NodeJS.ProcessEnv {
  const { [key]: _left, ...rest } = env;
  return rest;
}

main().catch((error) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `Bulkhead API failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
