import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approval by tier, not by position: each stage records whether it waits for an approver, and each
 * rollout who created it as a person (so that no token of theirs approves it). Stages of rollouts
 * created before wait as they did (every stage after the first) and, like new ones, whenever their tier
 * is staging or prod (the default tiers under approval): a prod-only draft made before no longer starts
 * unapproved. Their creator is found by
 * the name they were recorded under: `user:<username>`, or `token:<name>` and then the token's owner.
 */
export class ApprovalsByTier1764415000000 implements MigrationInterface {
  name = 'ApprovalsByTier1764415000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE rollout_stages SET stage = stage || jsonb_build_object('approvalRequired', ordinal > 0 OR tier IN ('staging', 'prod'))`,
    );
    await db.query(`
      UPDATE rollouts r SET state = r.state || jsonb_build_object('creatorId', COALESCE(
        (SELECT 'user:' || u.id FROM users u WHERE r.state->>'createdBy' = 'user:' || u.username LIMIT 1),
        (SELECT 'user:' || t.owner_id FROM api_tokens t WHERE r.state->>'createdBy' = 'token:' || t.name ORDER BY t.created_at LIMIT 1),
        r.state->>'createdBy'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE rollouts SET state = state - 'creatorId'`);
    await db.query(`UPDATE rollout_stages SET stage = stage - 'approvalRequired'`);
  }
}
