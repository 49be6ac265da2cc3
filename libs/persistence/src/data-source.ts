import { DataSource, type MigrationInterface } from 'typeorm';
import { ClusterEntity } from './entities/cluster.entity';
import { NamespaceEntity, NetworkPolicyEntity, PodEntity, WorkloadEntity } from './entities/inventory.entities';
import { EdgeEntity, EdgeObservationEntity, FlowImportEntity } from './entities/flow.entities';
import { ApiTokenEntity } from './entities/api-token.entity';
import { SessionEntity, UserEntity } from './entities/user.entities';

export const entities = [
  ClusterEntity,
  NamespaceEntity,
  WorkloadEntity,
  PodEntity,
  NetworkPolicyEntity,
  FlowImportEntity,
  EdgeEntity,
  EdgeObservationEntity,
  ApiTokenEntity,
  UserEntity,
  SessionEntity,
];

type MigrationClass = new () => MigrationInterface;

export function createDataSource(url: string, migrations: MigrationClass[], options: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: options.poolSize ?? 10 },
  });
}

/** Arbitrary but fixed: the advisory lock key that serialises migrations across replicas. */
const MIGRATION_LOCK = 471_022_331;

/**
 * Applies pending migrations while holding a session-level advisory lock, so that several API and
 * worker processes starting at once run them exactly once. Returns the names of the ones applied.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Connects and brings the schema up to date: what every process does first. */
export async function openDatabase(url: string, migrations: MigrationClass[], options: { poolSize?: number } = {}): Promise<{ db: DataSource; applied: string[] }> {
  const db = createDataSource(url, migrations, options);
  await db.initialize();
  try {
    return { db, applied: await migrate(db) };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
