import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A namespace's floor: the highest tier under approval it has been in. Only an approver lowers it, and
 * it outlives the namespace's row, so that a snapshot that leaves a prod namespace out and a later one
 * that brings it back labelled dev cannot move it past the approvers. Existing namespaces start at the
 * tier they are in when it is staging or prod (the default tiers under approval).
 */
export class NamespaceTierFloors1764417000000 implements MigrationInterface {
  name = 'NamespaceTierFloors1764417000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE namespace_tier_floors (
      cluster_id uuid NOT NULL CONSTRAINT fk_namespace_tier_floors_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      name text NOT NULL,
      tier text NOT NULL CONSTRAINT ck_namespace_tier_floors_tier CHECK (tier IN ('dev', 'staging', 'prod')),
      CONSTRAINT pk_namespace_tier_floors PRIMARY KEY (cluster_id, name)
    )`);
    await db.query(`INSERT INTO namespace_tier_floors (cluster_id, name, tier)
      SELECT cluster_id, name, COALESCE(tier_override, label_tier) FROM namespaces WHERE COALESCE(tier_override, label_tier) IN ('staging', 'prod')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE namespace_tier_floors`);
  }
}
