import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose rows a cluster's pages show (inventory, dependency map with its evidence, plans, tier floors), with the way to their cluster. */
const CLUSTER_TABLES: ReadonlyArray<{ table: string; clusterOf: string }> = [
  { table: 'namespaces', clusterOf: 'SELECT cluster_id FROM changed_rows' },
  { table: 'workloads', clusterOf: 'SELECT cluster_id FROM changed_rows' },
  { table: 'pods', clusterOf: 'SELECT cluster_id FROM changed_rows' },
  { table: 'network_policies', clusterOf: 'SELECT cluster_id FROM changed_rows' },
  { table: 'namespace_tier_floors', clusterOf: 'SELECT cluster_id FROM changed_rows' },
  { table: 'edges', clusterOf: 'SELECT cluster_id FROM changed_rows' },
  { table: 'edge_observations', clusterOf: 'SELECT e.cluster_id FROM changed_rows o JOIN edges e ON e.id = o.edge_id' },
  { table: 'plans', clusterOf: 'SELECT cluster_id FROM changed_rows' },
];

const EVENTS = [
  { event: 'INSERT', transition: 'NEW TABLE AS changed_rows' },
  { event: 'UPDATE', transition: 'NEW TABLE AS changed_rows' },
  { event: 'DELETE', transition: 'OLD TABLE AS changed_rows' },
] as const;

const triggerName = (table: string, event: string) => `trg_${table}_${event.toLowerCase()}_cluster_data_version`;

/** Makes every write to `table` give its clusters (found by `clusterOf` in the statement's rows) a new data version. */
export async function touchClustersOnWrite(db: QueryRunner, table: string, clusterOf: string): Promise<void> {
  // The clusters' rows are updated in id order, so that two statements touching the same clusters cannot deadlock.
  await db.query(`CREATE FUNCTION ${table}_touch_clusters() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM 1 FROM clusters WHERE id IN (${clusterOf}) ORDER BY id FOR UPDATE;
      UPDATE clusters SET data_version = nextval('cluster_data_versions') WHERE id IN (${clusterOf});
      RETURN NULL;
    END $$`);
  for (const { event, transition } of EVENTS) {
    await db.query(
      `CREATE TRIGGER ${triggerName(table, event)} AFTER ${event} ON ${table} REFERENCING ${transition} FOR EACH STATEMENT EXECUTE FUNCTION ${table}_touch_clusters()`,
    );
  }
}

export async function stopTouchingClusters(db: QueryRunner, table: string): Promise<void> {
  for (const { event } of EVENTS) await db.query(`DROP TRIGGER ${triggerName(table, event)} ON ${table}`);
  await db.query(`DROP FUNCTION ${table}_touch_clusters()`);
}

/**
 * A cluster's data version: a number that takes a new value (from one sequence, so never a value it
 * had before) whenever the cluster's row changes or any row a page of the cluster shows is written.
 * The API keeps answers per cluster and version and asks only for the version on a read; the database
 * bumps it, so that a write from the worker, another API process or psql cannot leave an old answer
 * served. One statement-level trigger per table and event: an import of thousands of rows bumps each
 * of its clusters once per statement, not once per row.
 */
export class ClusterDataVersions1764418000000 implements MigrationInterface {
  name = 'ClusterDataVersions1764418000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE cluster_data_versions`);
    await db.query(`ALTER TABLE clusters ADD COLUMN data_version bigint NOT NULL DEFAULT nextval('cluster_data_versions')`);
    await db.query(`CREATE FUNCTION next_cluster_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.data_version := nextval('cluster_data_versions');
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER trg_clusters_data_version BEFORE UPDATE ON clusters FOR EACH ROW EXECUTE FUNCTION next_cluster_data_version()`,
    );
    for (const { table, clusterOf } of CLUSTER_TABLES) await touchClustersOnWrite(db, table, clusterOf);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const { table } of CLUSTER_TABLES) await stopTouchingClusters(db, table);
    await db.query(`DROP TRIGGER trg_clusters_data_version ON clusters`);
    await db.query(`DROP FUNCTION next_cluster_data_version()`);
    await db.query(`ALTER TABLE clusters DROP COLUMN data_version`);
    await db.query(`DROP SEQUENCE cluster_data_versions`);
  }
}
