import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a plan made before the cluster layer existed says of it: no piece asked for, no policy. */
const NONE_ASKED_FOR = JSON.stringify({
  pieces: ['tierIsolation', 'baselineDefaultDeny', 'intraTierPass'].map((piece) => ({
    piece,
    requested: false,
    included: false,
    policies: [],
  })),
  policies: [],
});

/**
 * Plans hold a cluster layer (report.plan.clusterLayer): the plans already stored get the one they were made with,
 * none, so that every plan answers with the same shape.
 */
export class PlanClusterLayer1764432400000 implements MigrationInterface {
  name = 'PlanClusterLayer1764432400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE plans SET report = jsonb_set(report, '{plan,clusterLayer}', $1::jsonb) WHERE NOT (report->'plan' ? 'clusterLayer')`,
      [NONE_ASKED_FOR],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE plans SET report = report #- '{plan,clusterLayer}'`);
  }
}
