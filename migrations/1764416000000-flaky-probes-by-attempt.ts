import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The simulated flaky-probe fault decides by a probe's try number, so the per-probe attempt counters it
 * kept in the faults (one key per try, never removed) go.
 */
export class FlakyProbesByAttempt1764416000000 implements MigrationInterface {
  name = 'FlakyProbesByAttempt1764416000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE simulated_clusters SET faults = faults #- '{flakyProbes,attempts}' WHERE faults->'flakyProbes' ? 'attempts'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `UPDATE simulated_clusters SET faults = jsonb_set(faults, '{flakyProbes,attempts}', '{}'::jsonb) WHERE faults ? 'flakyProbes'`,
    );
  }
}
