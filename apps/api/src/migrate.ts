import { openDatabase, RUNTIME_ROLE_OWNS_SCHEMA } from '@bulkhead/persistence';
import { ConfigError, createLogger, loadConfig, provideLocalServices } from '@bulkhead/platform';
import { migrations } from '@bulkhead/migrations';

/** `npm run migrate`: brings the database schema up to date and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log.level, { service: 'migrate' });
  const services = await provideLocalServices(config, logger);
  const { db, applied, runtimeRoleOwnsSchema } = await openDatabase(services.databaseUrl, migrations, {
    migrationUrl: services.migrationDatabaseUrl,
  });
  logger.info(applied.length ? 'migrations applied' : 'schema already up to date', { migrations: applied });
  if (runtimeRoleOwnsSchema) logger.warn(RUNTIME_ROLE_OWNS_SCHEMA);
  await db.destroy();
  await services.stop();
}

main().catch((error) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
