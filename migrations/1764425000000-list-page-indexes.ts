import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the lists' keyset pages and their filters, so that any page of a long list costs about
 * what the first one does:
 * - flow imports and rollouts are listed newest first, ties broken by id: (created_at, id) per cluster,
 *   and over every cluster for rollouts (which replace the indexes on created_at alone);
 * - edges of a namespace match `workload:<ns>/%` on either end: text_pattern_ops serves LIKE prefixes
 *   whatever the database's collation;
 * - the audit log is listed by id, newest first, filtered by cluster, actor or action (a prefix too).
 */
export class ListPageIndexes1764425000000 implements MigrationInterface {
  name = 'ListPageIndexes1764425000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX ix_flow_imports_cluster_page ON flow_imports (cluster_id, created_at DESC, id DESC)`);
    await db.query(`DROP INDEX ix_flow_imports_cluster_created`);
    await db.query(`CREATE INDEX ix_rollouts_cluster_page ON rollouts (cluster_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX ix_rollouts_page ON rollouts (created_at DESC, id DESC)`);
    await db.query(`DROP INDEX ix_rollouts_cluster_created`);
    await db.query(`CREATE INDEX ix_edges_cluster_src_pattern ON edges (cluster_id, src_key text_pattern_ops)`);
    await db.query(`CREATE INDEX ix_edges_cluster_dst_pattern ON edges (cluster_id, dst_key text_pattern_ops)`);
    await db.query(`CREATE INDEX ix_audit_log_cluster_id ON audit_log (cluster_id, id DESC)`);
    await db.query(`CREATE INDEX ix_audit_log_actor_id ON audit_log (actor, id DESC)`);
    await db.query(`CREATE INDEX ix_audit_log_action_pattern ON audit_log (action text_pattern_ops, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_audit_log_action_pattern`);
    await db.query(`DROP INDEX ix_audit_log_actor_id`);
    await db.query(`DROP INDEX ix_audit_log_cluster_id`);
    await db.query(`DROP INDEX ix_edges_cluster_dst_pattern`);
    await db.query(`DROP INDEX ix_edges_cluster_src_pattern`);
    await db.query(`CREATE INDEX ix_rollouts_cluster_created ON rollouts (cluster_id, created_at DESC)`);
    await db.query(`DROP INDEX ix_rollouts_page`);
    await db.query(`DROP INDEX ix_rollouts_cluster_page`);
    await db.query(`CREATE INDEX ix_flow_imports_cluster_created ON flow_imports (cluster_id, created_at)`);
    await db.query(`DROP INDEX ix_flow_imports_cluster_page`);
  }
}
