import 'reflect-metadata';
import { JOB_QUEUE, QUEUES } from '@bulkhead/contracts';
import { openDatabase, RUNTIME_ROLE_OWNS_SCHEMA } from '@bulkhead/persistence';
import { ConfigError, createLogger, loadConfig, provideLocalServices, QueuePrefixTaken, stopOnSignals } from '@bulkhead/platform';
import { migrations } from '@bulkhead/migrations';
import type { WorkerHooks } from './runtime';
import { openWorkerRuntime, startWorker } from './worker';

/**
 * The worker process: consumes every queue until SIGTERM, then finishes the jobs in hand and exits; a
 * failure to start is printed and exits 1. main.ts runs it as it ships; the crash tests run the same
 * process with their hooks (test/support/crash-worker.ts).
 */
export async function runWorkerProcess(hooks?: WorkerHooks): Promise<void> {
  try {
    const config = loadConfig();
    const logger = createLogger(config.log.level, { service: 'worker' });
    const services = await provideLocalServices(config, logger);
    const { db, runtimeRoleOwnsSchema } = await openDatabase(services.databaseUrl, migrations, {
      migrationUrl: services.migrationDatabaseUrl,
    });
    if (runtimeRoleOwnsSchema) logger.warn(RUNTIME_ROLE_OWNS_SCHEMA);
    const opened = await openWorkerRuntime({ config, logger, db, redisUrl: services.redisUrl });
    const worker = await startWorker(opened.runtime, hooks);
    logger.info('worker ready', {
      queues: Object.values(QUEUES),
      queuePrefix: opened.runtime.queuePrefix,
      jobs: Object.keys(JOB_QUEUE),
    });

    stopOnSignals(logger, [() => worker.close(), () => opened.close(), () => db.destroy(), () => services.stop()]);
  } catch (error) {
    process.stderr.write(
      error instanceof ConfigError || error instanceof QueuePrefixTaken
        ? `${error.message}\n`
        : `Bulkhead worker failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  }
}
