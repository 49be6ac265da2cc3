import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Versioned migration plans, and the rollouts that apply them. */
export class PlansAndRollouts1764370000000 implements MigrationInterface {
  name = 'PlansAndRollouts1764370000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE plans (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_plans_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      version integer NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      policies jsonb NOT NULL,
      report jsonb NOT NULL,
      summary jsonb NOT NULL,
      CONSTRAINT ck_plans_version CHECK (version > 0)
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_plans_cluster_version ON plans (cluster_id, version)`);

    await db.query(`CREATE TABLE rollouts (
      id uuid PRIMARY KEY,
      cluster_id uuid NOT NULL CONSTRAINT fk_rollouts_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      plan_id uuid NOT NULL CONSTRAINT fk_rollouts_plan REFERENCES plans(id) ON DELETE RESTRICT,
      status text NOT NULL,
      state jsonb NOT NULL,
      version bigint NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
    // At most one rollout acts on a cluster: any status in which it holds the cluster.
    await db.query(`CREATE UNIQUE INDEX uq_rollouts_one_active_per_cluster ON rollouts (cluster_id)
      WHERE status IN ('scheduled', 'running', 'waiting_approval', 'waiting_window', 'paused', 'halted', 'rolling_back')`);
    await db.query(`CREATE INDEX ix_rollouts_status ON rollouts (status)`);
    await db.query(`CREATE INDEX ix_rollouts_cluster_created ON rollouts (cluster_id, created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE rollouts`);
    await db.query(`DROP TABLE plans`);
  }
}
