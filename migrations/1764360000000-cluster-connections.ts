import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How Bulkhead reaches a cluster: the simulated driver, or a real API server with an encrypted kubeconfig. */
export class ClusterConnections1764360000000 implements MigrationInterface {
  name = 'ClusterConnections1764360000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clusters ADD COLUMN driver text NOT NULL DEFAULT 'simulated'`);
    await db.query(`ALTER TABLE clusters ADD CONSTRAINT ck_clusters_driver CHECK (driver IN ('simulated', 'kubernetes'))`);
    // AES-256-GCM: nonce, tag and ciphertext; the key never sits in the database.
    await db.query(`ALTER TABLE clusters ADD COLUMN credentials bytea`);
    await db.query(
      `ALTER TABLE clusters ADD CONSTRAINT ck_clusters_kubernetes_credentials CHECK (driver <> 'kubernetes' OR credentials IS NOT NULL)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clusters DROP CONSTRAINT ck_clusters_kubernetes_credentials`);
    await db.query(`ALTER TABLE clusters DROP COLUMN credentials`);
    await db.query(`ALTER TABLE clusters DROP CONSTRAINT ck_clusters_driver`);
    await db.query(`ALTER TABLE clusters DROP COLUMN driver`);
  }
}
