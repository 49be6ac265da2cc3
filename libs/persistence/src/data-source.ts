import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { ClusterEntity } from './entities/cluster.entity';
import {
  ClusterPolicyEntity,
  NamespaceEntity,
  NetworkPolicyEntity,
  NodeEntity,
  PodEntity,
  WorkloadEntity,
} from './entities/inventory.entities';
import { EdgeEntity, EdgeObservationEntity, FlowImportEntity } from './entities/flow.entities';
import { ApiTokenEntity } from './entities/api-token.entity';
import { SessionEntity, UserEntity } from './entities/user.entities';

export const entities = [
  ClusterEntity,
  NamespaceEntity,
  WorkloadEntity,
  PodEntity,
  NetworkPolicyEntity,
  NodeEntity,
  ClusterPolicyEntity,
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

/** Tables the runtime role may read and append to but never change. */
const APPEND_ONLY_TABLES = ['audit_log'];
/** TypeORM's record of the migrations applied: the runtime role reads it (to find none pending) and nothing more. */
const MIGRATIONS_TABLE = 'migrations';

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Applies pending migrations while holding a session-level advisory lock, so that several API and
 * worker processes starting at once run them exactly once. With `runtimeRole`, the connection is the
 * owner's, and the runtime role then gets, under the same lock, what it needs on every table and no
 * more: no TRUNCATE anywhere, and only SELECT and INSERT on the audit log. Returns the names of the
 * migrations applied.
 */
export async function migrate(dataSource: DataSource, runtimeRole?: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (runtimeRole) await grantRuntimeAccess(runner, quoteIdentifier(runtimeRole));
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

async function grantRuntimeAccess(owner: QueryRunner, role: string): Promise<void> {
  await owner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  for (const table of APPEND_ONLY_TABLES) await owner.query(`REVOKE UPDATE, DELETE ON ${quoteIdentifier(table)} FROM ${role}`);
  await owner.query(`REVOKE INSERT, UPDATE, DELETE ON ${quoteIdentifier(MIGRATIONS_TABLE)} FROM ${role}`);
  await owner.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  await owner.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO ${role}`);
}

/** What a process logs when `runtimeRoleOwnsSchema`. */
export const RUNTIME_ROLE_OWNS_SCHEMA =
  'the database role Bulkhead runs as owns the schema (or is a superuser), so it could empty the audit log: set DATABASE_MIGRATION_URL to a separate owner role (see the README)';

export interface OpenedDatabase {
  db: DataSource;
  /** Names of the migrations applied. */
  applied: string[];
  /**
   * The role connected is a superuser or owns tables: it could empty the audit log or switch its
   * triggers off. So it is, as a rule, when no separate migration role is configured: worth a warning at boot.
   */
  runtimeRoleOwnsSchema: boolean;
}

/**
 * Connects and brings the schema up to date: what every process does first. With `migrationUrl` (the
 * owner role's), migrations run through a connection of their own as the owner, which then grants the
 * connected runtime role its access; without, they run as the role of `url`, as before the split.
 */
export async function openDatabase(
  url: string,
  migrations: MigrationClass[],
  options: { poolSize?: number; migrationUrl?: string } = {},
): Promise<OpenedDatabase> {
  const db = createDataSource(url, migrations, options);
  await db.initialize();
  try {
    const applied = options.migrationUrl ? await migrateAsOwner(options.migrationUrl, migrations, db) : await migrate(db);
    const [{ owns }] = await db.query(
      `SELECT r.rolsuper OR EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relowner = r.oid) AS owns
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    return { db, applied, runtimeRoleOwnsSchema: owns };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function migrateAsOwner(migrationUrl: string, migrations: MigrationClass[], runtime: DataSource): Promise<string[]> {
  const [{ role }] = await runtime.query('SELECT current_user AS role');
  const owner = createDataSource(migrationUrl, migrations, { poolSize: 2 }); // the lock's connection and the migrations'
  await owner.initialize();
  try {
    const [{ ownerRole }] = await owner.query('SELECT current_user AS "ownerRole"');
    return await migrate(owner, role === ownerRole ? undefined : role);
  } finally {
    await owner.destroy();
  }
}
