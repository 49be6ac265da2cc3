import type { MigrationInterface, QueryRunner } from 'typeorm';

const BEFORE = `'scheduled', 'running', 'waiting_approval', 'waiting_window', 'paused', 'halted', 'rolling_back'`;

/**
 * A rollout waiting for its next wave's namespaces to be observed long enough (waiting_coverage) still
 * holds its cluster: the one-active-rollout-per-cluster index covers it.
 */
export class RolloutsWaitingCoverage1764433300000 implements MigrationInterface {
  name = 'RolloutsWaitingCoverage1764433300000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX uq_rollouts_one_active_per_cluster`);
    await db.query(`CREATE UNIQUE INDEX uq_rollouts_one_active_per_cluster ON rollouts (cluster_id)
      WHERE status IN (${BEFORE}, 'waiting_coverage')`);
  }

  async down(db: QueryRunner): Promise<void> {
    // A rollout waiting for coverage goes back to running, which the older index knows; the gate's fields go, the older code knows none of them.
    await db.query(
      `UPDATE rollouts SET status = 'running', state = jsonb_set(state, '{status}', '"running"') WHERE status = 'waiting_coverage'`,
    );
    await db.query(`UPDATE rollouts SET state = state - 'coverageWait' - 'coverage' #- '{config,minObservedDays}'`);
    await db.query(`DROP INDEX uq_rollouts_one_active_per_cluster`);
    await db.query(`CREATE UNIQUE INDEX uq_rollouts_one_active_per_cluster ON rollouts (cluster_id) WHERE status IN (${BEFORE})`);
  }
}
