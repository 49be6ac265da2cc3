import 'reflect-metadata';
import { JOB_QUEUE, type JobName, QUEUES } from '@bulkhead/contracts';
import { openDatabase } from '@bulkhead/persistence';
import { ConfigError, createLogger, loadConfig, provideLocalServices } from '@bulkhead/platform';
import { migrations } from '@bulkhead/migrations';
import { openWorkerRuntime, startWorker } from './worker';

/** The worker process: consumes every queue until SIGTERM, then finishes the jobs in hand and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level, { service: 'worker' });
  const services = await provideLocalServices(config, logger);
  const { db } = await openDatabase(services.databaseUrl, migrations);
  const opened = await openWorkerRuntime({ config, logger, db, redisUrl: services.redisUrl });
  const worker = await startWorker(opened.runtime);
  logger.info('worker ready', { queues: Object.values(QUEUES), jobs: Object.keys(JOB_QUEUE) as JobName[] });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    await worker.close();
    await opened.close();
    await db.destroy();
    await services.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Bulkhead worker failed to start: ${(error as Error).stack}\n`);
  process.exit(1);
});
