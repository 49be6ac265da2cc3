import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How far each outside sink of the audit log has been delivered to: the last position it received. */
export class AuditSinkCursors1764410800000 implements MigrationInterface {
  name = 'AuditSinkCursors1764410800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE audit_sink_cursors (
      sink text PRIMARY KEY,
      delivered_position bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_sink_cursors`);
  }
}
