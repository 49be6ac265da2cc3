import 'reflect-metadata';
import { QUEUES } from '@bulkhead/contracts';
import { ensureBootstrapAdmin, ensureBootstrapAdminUser } from '@bulkhead/access';
import { openDatabase, TypeOrmTokenStore, TypeOrmUserStore } from '@bulkhead/persistence';
import { ConfigError, createLogger, createRedis, loadConfig, nodeTokenCrypto, provideLocalServices, scryptPasswordHasher, stopOnSignals, SecretBox, loadSecretKey, superviseChild, type SupervisedChild, UploadStorage } from '@bulkhead/platform';
import { Queue } from 'bullmq';
import { join } from 'node:path';
import { migrations } from '@bulkhead/migrations';
import { createApiApp } from './app';
import { seedDemo } from './demo/seed-demo';
import { FLOW_IMPORT_DEPS, INVENTORY_DEPS } from './stores.providers';

/**
 * `npm start`: the API, and with --with-worker a worker process beside it, on the configured
 * PostgreSQL and Redis or on local ones found or started for the purpose.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level, { service: 'api' });
  const services = await provideLocalServices(config, logger);
  const { db, applied } = await openDatabase(services.databaseUrl, migrations);
  if (applied.length) logger.info('migrations applied', { migrations: applied });
  const redis = createRedis(services.redisUrl, 'client');
  const queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix: config.queuePrefix })]));

  // Printed once, on the console only (never in the structured log): nobody else will ever see them.
  const token = await ensureBootstrapAdmin(new TypeOrmTokenStore(db), nodeTokenCrypto, config.bootstrapAdminToken);
  if (token && !config.bootstrapAdminToken) process.stderr.write(`\nBulkhead: first start. Admin API token (shown once, keep it safe):\n\n  ${token}\n\n`);
  const password = await ensureBootstrapAdminUser({ users: new TypeOrmUserStore(db), hasher: scryptPasswordHasher, crypto: nodeTokenCrypto }, config.bootstrapAdminPassword);
  if (password) process.stderr.write(`Bulkhead: dashboard sign-in (shown once): user "admin", password "${password}"\n\n`);

  const secrets = new SecretBox(await loadSecretKey(config.secretKey, config.dataDir));
  const app = await createApiApp({ config, logger, db, redis, queues, secrets });
  if (config.demo) await seedDemo({ ...app.get(INVENTORY_DEPS), ...app.get(FLOW_IMPORT_DEPS), sealer: secrets }, db, new UploadStorage(join(config.dataDir, 'uploads')), new Date(), logger);
  await app.listen(config.http.port, config.http.host);
  const url = await app.getUrl();
  logger.info('API listening', { url: url.replace('[::1]', 'localhost'), docs: `${url}/api/docs` });

  // The worker child is restarted with a backoff when it exits, and exits itself when this process
  // dies, however it dies (see superviseChild and stopOnSignals): never an orphan.
  let worker: SupervisedChild | undefined;
  if (process.argv.includes('--with-worker')) {
    worker = superviseChild('worker', join(__dirname, '../../worker/src/main.js'), { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl }, logger);
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

main().catch((error) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Bulkhead API failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
