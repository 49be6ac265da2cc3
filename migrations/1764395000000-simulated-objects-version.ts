import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulated driver reads a probe's namespaces' policies directly and keeps a cluster's objects
 * (namespaces, pods) in memory per version of them; policies no longer need a version of their own.
 */
export class SimulatedObjectsVersion1764395000000 implements MigrationInterface {
  name = 'SimulatedObjectsVersion1764395000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE simulated_clusters ADD COLUMN objects_version bigint NOT NULL DEFAULT 1`);
    await db.query(`ALTER TABLE simulated_clusters DROP COLUMN policy_version`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE simulated_clusters ADD COLUMN policy_version bigint NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE simulated_clusters DROP COLUMN objects_version`);
  }
}
