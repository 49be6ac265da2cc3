import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rollout's stages and steps get a row each, so a transition writes the step that moved instead of
 * the whole rollout (several MB at 1,000 namespaces). `rollouts.state` keeps the rest: status,
 * configuration, halt reason, rollbacks. A row's `version` is the rollout version that last wrote it, so
 * a reader holding an older state reads only what changed since.
 */
export class RolloutStepsAsRows1764390000000 implements MigrationInterface {
  name = 'RolloutStepsAsRows1764390000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE rollout_stages (
      rollout_id uuid NOT NULL CONSTRAINT fk_rollout_stages_rollout REFERENCES rollouts(id) ON DELETE CASCADE,
      ordinal integer NOT NULL,
      tier text NOT NULL,
      status text NOT NULL,
      stage jsonb NOT NULL,
      version bigint NOT NULL,
      PRIMARY KEY (rollout_id, ordinal)
    )`);
    await db.query(`CREATE TABLE rollout_steps (
      rollout_id uuid NOT NULL CONSTRAINT fk_rollout_steps_rollout REFERENCES rollouts(id) ON DELETE CASCADE,
      ordinal integer NOT NULL,
      step_id text NOT NULL,
      namespace text NOT NULL,
      tier text NOT NULL,
      phase text NOT NULL,
      step jsonb NOT NULL,
      version bigint NOT NULL,
      PRIMARY KEY (rollout_id, ordinal)
    )`);
    await db.query(`CREATE INDEX ix_rollout_steps_phase ON rollout_steps (phase, rollout_id)`);
    await db.query(`INSERT INTO rollout_stages (rollout_id, ordinal, tier, status, stage, version)
      SELECT r.id, x.ord - 1, x.stage->>'tier', x.stage->>'status', x.stage, r.version
      FROM rollouts r, jsonb_array_elements(r.state->'stages') WITH ORDINALITY AS x(stage, ord)`);
    await db.query(`INSERT INTO rollout_steps (rollout_id, ordinal, step_id, namespace, tier, phase, step, version)
      SELECT r.id, x.ord - 1, x.step->>'id', x.step->>'namespace', x.step->>'tier', x.step->>'phase', x.step, r.version
      FROM rollouts r, jsonb_array_elements(r.state->'steps') WITH ORDINALITY AS x(step, ord)`);
    await db.query(`UPDATE rollouts SET state = state - 'stages' - 'steps'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE rollouts r SET state = r.state
      || jsonb_build_object('stages', COALESCE((SELECT jsonb_agg(stage ORDER BY ordinal) FROM rollout_stages WHERE rollout_id = r.id), '[]'::jsonb))
      || jsonb_build_object('steps', COALESCE((SELECT jsonb_agg(step ORDER BY ordinal) FROM rollout_steps WHERE rollout_id = r.id), '[]'::jsonb))`);
    await db.query(`DROP TABLE rollout_steps`);
    await db.query(`DROP TABLE rollout_stages`);
  }
}
