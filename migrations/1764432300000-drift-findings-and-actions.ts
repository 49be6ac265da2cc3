import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the drift page shows and does. `drift_findings` holds the findings of a cluster's last drift
 * check, each kept under one id from the check that first found it for as long as the checks after it
 * find it again (a finding no longer found is deleted; `drift_checks` keeps the history), with the YAML
 * difference of a policy finding. `drift_actions` holds what a person asked for about them: re-apply
 * the plan to namespaces, or accept their live policies as a new plan version; a worker carries each
 * out, and an acceptance names the plan version it made, which drift is measured against from then on.
 */
export class DriftFindingsAndActions1764432300000 implements MigrationInterface {
  name = 'DriftFindingsAndActions1764432300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE drift_findings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_drift_findings_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      rollout_id uuid NOT NULL CONSTRAINT fk_drift_findings_rollout REFERENCES rollouts(id) ON DELETE CASCADE,
      plan_id uuid NOT NULL CONSTRAINT fk_drift_findings_plan REFERENCES plans(id) ON DELETE CASCADE,
      plan_version integer NOT NULL,
      namespace text NOT NULL,
      kind text NOT NULL CONSTRAINT ck_drift_findings_kind CHECK (kind IN ('policy_removed', 'policy_changed', 'policy_added', 'probe_changed')),
      subject text NOT NULL,
      message text NOT NULL,
      difference jsonb,
      found_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      CONSTRAINT uq_drift_findings_subject UNIQUE (cluster_id, namespace, kind, subject)
    )`);
    await db.query(`CREATE INDEX ix_drift_findings_cluster_found ON drift_findings (cluster_id, found_at DESC, id DESC)`);
    await db.query(`CREATE TABLE drift_actions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_drift_actions_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      rollout_id uuid NOT NULL CONSTRAINT fk_drift_actions_rollout REFERENCES rollouts(id) ON DELETE CASCADE,
      kind text NOT NULL CONSTRAINT ck_drift_actions_kind CHECK (kind IN ('reapply', 'accept')),
      namespaces text[] NOT NULL CONSTRAINT ck_drift_actions_namespaces CHECK (cardinality(namespaces) > 0),
      requested_by text NOT NULL,
      requested_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'queued' CONSTRAINT ck_drift_actions_status CHECK (status IN ('queued', 'done', 'failed')),
      detail text,
      plan_id uuid CONSTRAINT fk_drift_actions_plan REFERENCES plans(id) ON DELETE CASCADE,
      finished_at timestamptz
    )`);
    await db.query(`CREATE INDEX ix_drift_actions_cluster_requested ON drift_actions (cluster_id, requested_at DESC, id DESC)`);
    await db.query(`CREATE INDEX ix_drift_actions_accepted ON drift_actions (rollout_id) WHERE plan_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE drift_actions`);
    await db.query(`DROP TABLE drift_findings`);
  }
}
