import type { MigrationInterface, QueryRunner } from 'typeorm';
import { stopTouchingClusters, touchClustersOnWrite } from './1764418000000-cluster-data-versions';

/**
 * The nodes of a cluster's inventory (name, labels, addresses), where each pod runs and whether it shares
 * its node's network, and the blocked attempts: refused flows (dropped, denied, errors) kept apart from the
 * dependency map, one row per src, dst, protocol and port, bounded per cluster by the import that writes them.
 */
export class NodesAndBlockedAttempts1764420000000 implements MigrationInterface {
  name = 'NodesAndBlockedAttempts1764420000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE nodes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_nodes_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      name text NOT NULL,
      labels jsonb NOT NULL DEFAULT '{}',
      addresses jsonb NOT NULL DEFAULT '[]',
      implicit boolean NOT NULL DEFAULT false
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_nodes_cluster_name ON nodes (cluster_id, name)`);
    await db.query(`ALTER TABLE pods ADD COLUMN host_network boolean NOT NULL DEFAULT false, ADD COLUMN node_name text`);
    await db.query(`CREATE TABLE blocked_attempts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_blocked_attempts_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      key text NOT NULL,
      src_key text NOT NULL,
      dst_key text NOT NULL,
      port integer NOT NULL,
      protocol text NOT NULL,
      attempts bigint NOT NULL,
      first_seen timestamptz,
      last_seen timestamptz,
      reasons text[] NOT NULL DEFAULT '{}',
      last_import_id uuid CONSTRAINT fk_blocked_attempts_import REFERENCES flow_imports(id) ON DELETE SET NULL
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_blocked_attempts_cluster_key ON blocked_attempts (cluster_id, key)`);
    await db.query(`CREATE INDEX ix_blocked_attempts_cluster_last_seen ON blocked_attempts (cluster_id, last_seen)`);
    await touchClustersOnWrite(db, 'nodes', 'SELECT cluster_id FROM changed_rows');
    await touchClustersOnWrite(db, 'blocked_attempts', 'SELECT cluster_id FROM changed_rows');
  }

  async down(db: QueryRunner): Promise<void> {
    await stopTouchingClusters(db, 'blocked_attempts');
    await stopTouchingClusters(db, 'nodes');
    await db.query(`DROP TABLE blocked_attempts`);
    await db.query(`ALTER TABLE pods DROP COLUMN node_name, DROP COLUMN host_network`);
    await db.query(`DROP TABLE nodes`);
  }
}
