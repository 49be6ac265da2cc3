import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A requested cluster sync is recorded on the cluster until a worker has done it, so that a sync whose
 * job was lost (a Redis that lost its data) is dispatched again.
 */
export class ClusterSyncRequests1764413000000 implements MigrationInterface {
  name = 'ClusterSyncRequests1764413000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clusters ADD COLUMN sync_requested_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clusters DROP COLUMN sync_requested_at`);
  }
}
