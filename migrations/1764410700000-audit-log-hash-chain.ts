import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hash-chains the audit log: each entry gets its position (1, 2, 3... with no gaps), the hash of the
 * entry before it and its own hash, SHA-256 over the text of the JSON array
 * `[position, at in microseconds since the epoch, actor, action, cluster_id, target, details, before,
 * after, previous hash in hex]` as PostgreSQL prints it as jsonb. A removed entry leaves a gap in
 * the positions, an edited one no longer matches its hash, and rewriting a hash breaks the next link.
 *
 * The insert trigger computes all three, for every writer, under a transaction-scoped advisory lock:
 * concurrent transactions append one after the other, in the order they took the lock. A writer that
 * could not see the last entry (a REPEATABLE READ snapshot) fails on the unique position instead of
 * forking the chain.
 */
export class AuditLogHashChain1764410700000 implements MigrationInterface {
  name = 'AuditLogHashChain1764410700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION audit_log_genesis_hash() RETURNS bytea LANGUAGE sql IMMUTABLE
      AS $$ SELECT '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea $$`);
    await db.query(`CREATE FUNCTION audit_log_entry_hash(entry_position bigint, entry_at timestamptz, entry_actor text, entry_action text,
        entry_cluster_id uuid, entry_target text, entry_details jsonb, entry_before jsonb, entry_after jsonb, previous_hash bytea) RETURNS bytea LANGUAGE sql STABLE
      AS $$ SELECT sha256(convert_to(jsonb_build_array(entry_position, (extract(epoch FROM entry_at) * 1000000)::bigint, entry_actor, entry_action,
        entry_cluster_id, entry_target, entry_details, entry_before, entry_after, encode(previous_hash, 'hex'))::text, 'UTF8')) $$`);
    await db.query(`ALTER TABLE audit_log ADD COLUMN position bigint, ADD COLUMN previous_hash bytea, ADD COLUMN hash bytea`);
    await db.query(`ALTER TABLE audit_log DISABLE TRIGGER tr_audit_log_append_only`);
    await db.query(`DO $$
      DECLARE
        entry audit_log;
        n bigint := 0;
        previous bytea := audit_log_genesis_hash();
      BEGIN
        FOR entry IN SELECT * FROM audit_log ORDER BY id LOOP
          n := n + 1;
          UPDATE audit_log SET position = n, previous_hash = previous,
              hash = audit_log_entry_hash(n, entry.at, entry.actor, entry.action, entry.cluster_id, entry.target, entry.details, entry.before, entry.after, previous)
            WHERE id = entry.id RETURNING hash INTO previous;
        END LOOP;
      END $$`);
    await db.query(`ALTER TABLE audit_log ENABLE TRIGGER tr_audit_log_append_only`);
    await db.query(
      `ALTER TABLE audit_log ALTER COLUMN position SET NOT NULL, ALTER COLUMN previous_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`,
    );
    await db.query(`ALTER TABLE audit_log ADD CONSTRAINT uq_audit_log_position UNIQUE (position)`);
    await db.query(`CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        latest_position bigint;
        latest_hash bytea;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('bulkhead:audit_log', 0));
        -- A statement of its own, so that it reads after the lock is held (READ COMMITTED).
        SELECT position, hash INTO latest_position, latest_hash FROM audit_log ORDER BY position DESC LIMIT 1;
        NEW.position := coalesce(latest_position, 0) + 1;
        NEW.previous_hash := coalesce(latest_hash, audit_log_genesis_hash());
        NEW.hash := audit_log_entry_hash(NEW.position, NEW.at, NEW.actor, NEW.action, NEW.cluster_id, NEW.target, NEW.details, NEW.before, NEW.after, NEW.previous_hash);
        RETURN NEW;
      END $$`);
    await db.query(`CREATE TRIGGER tr_audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER tr_audit_log_chain ON audit_log`);
    await db.query(`DROP FUNCTION audit_log_chain()`);
    await db.query(`ALTER TABLE audit_log DROP CONSTRAINT uq_audit_log_position`);
    await db.query(`ALTER TABLE audit_log DROP COLUMN position, DROP COLUMN previous_hash, DROP COLUMN hash`);
    await db.query(`DROP FUNCTION audit_log_entry_hash(bigint, timestamptz, text, text, uuid, text, jsonb, jsonb, jsonb, bytea)`);
    await db.query(`DROP FUNCTION audit_log_genesis_hash()`);
  }
}
