import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who did what, when, with the policies before and after. Append-only: the database refuses edits. */
export class AuditLog1764350000000 implements MigrationInterface {
  name = 'AuditLog1764350000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      cluster_id uuid,
      target text,
      details jsonb NOT NULL DEFAULT '{}',
      before jsonb,
      after jsonb
    )`);
    await db.query(`CREATE INDEX ix_audit_log_cluster_at ON audit_log (cluster_id, at DESC)`);
    await db.query(`CREATE INDEX ix_audit_log_actor_at ON audit_log (actor, at DESC)`);
    await db.query(`CREATE INDEX ix_audit_log_action_at ON audit_log (action, at DESC)`);
    await db.query(`CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await db.query(`CREATE TRIGGER tr_audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP FUNCTION audit_log_is_append_only()`);
  }
}
