import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A namespace's advisory lock, taken together with the rollout's version in one round trip. The
 * function is VOLATILE, so its second statement takes a snapshot of its own, after the lock is held: the
 * version it answers includes every change committed before the lock was taken. (One statement that
 * locks and reads in a subquery would read from a snapshot taken before it waited for the lock.)
 */
export class NamespaceLockFunctions1764400000000 implements MigrationInterface {
  name = 'NamespaceLockFunctions1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE FUNCTION bulkhead_namespace_key(cluster_id text, namespace text) RETURNS bigint LANGUAGE sql IMMUTABLE
      AS $$ SELECT hashtextextended('bulkhead:namespace:' || cluster_id || '/' || namespace, 0) $$`);
    await db.query(`CREATE FUNCTION bulkhead_lock_namespace(cluster_id text, namespace text, rollout_id uuid) RETURNS bigint LANGUAGE sql VOLATILE
      AS $$ SELECT pg_advisory_lock(bulkhead_namespace_key(cluster_id, namespace)); SELECT version FROM rollouts WHERE id = rollout_id $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION bulkhead_lock_namespace(text, text, uuid)`);
    await db.query(`DROP FUNCTION bulkhead_namespace_key(text, text)`);
  }
}
