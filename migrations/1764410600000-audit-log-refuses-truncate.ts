import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TRUNCATE skips row triggers, so the append-only rule gets a statement-level trigger of its own:
 * emptying the log now needs its triggers disabled first, which only the table's owner can do.
 */
export class AuditLogRefusesTruncate1764410600000 implements MigrationInterface {
  name = 'AuditLogRefusesTruncate1764410600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TRIGGER tr_audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER tr_audit_log_no_truncate ON audit_log`);
  }
}
