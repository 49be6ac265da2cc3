import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How rollouts deliver changes to a cluster: directly through its driver, or as commits to a git
 * repository that Argo CD or Flux applies. The repository's credentials are sealed like a kubeconfig.
 */
export class ClusterDelivery1764432600000 implements MigrationInterface {
  name = 'ClusterDelivery1764432600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clusters ADD COLUMN delivery jsonb NOT NULL DEFAULT '{"kind": "direct"}'`);
    await db.query(`ALTER TABLE clusters ADD CONSTRAINT ck_clusters_delivery_kind CHECK (delivery->>'kind' IN ('direct', 'git'))`);
    // AES-256-GCM, as the kubeconfig: nonce, tag and ciphertext.
    await db.query(`ALTER TABLE clusters ADD COLUMN delivery_credentials bytea`);
    await db.query(
      `ALTER TABLE clusters ADD CONSTRAINT ck_clusters_delivery_credentials CHECK (delivery_credentials IS NULL OR delivery->>'kind' = 'git')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE clusters DROP CONSTRAINT ck_clusters_delivery_credentials`);
    await db.query(`ALTER TABLE clusters DROP COLUMN delivery_credentials`);
    await db.query(`ALTER TABLE clusters DROP CONSTRAINT ck_clusters_delivery_kind`);
    await db.query(`ALTER TABLE clusters DROP COLUMN delivery`);
  }
}
