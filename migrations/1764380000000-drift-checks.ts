import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the recurring re-check of rolled-out clusters found: policies changed by hand, probes that now fail. */
export class DriftChecks1764380000000 implements MigrationInterface {
  name = 'DriftChecks1764380000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE drift_checks (
      id bigserial PRIMARY KEY,
      cluster_id uuid NOT NULL CONSTRAINT fk_drift_checks_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      rollout_id uuid NOT NULL CONSTRAINT fk_drift_checks_rollout REFERENCES rollouts(id) ON DELETE CASCADE,
      checked_at timestamptz NOT NULL DEFAULT now(),
      namespaces integer NOT NULL,
      findings jsonb NOT NULL
    )`);
    await db.query(`CREATE INDEX ix_drift_checks_cluster_checked ON drift_checks (cluster_id, checked_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE drift_checks`);
  }
}
