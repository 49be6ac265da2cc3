import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A third kind of flow source: the simulated cluster's own live stream. It has no address and no TLS,
 * and carries its settings (`simulation`: the rate, how often the hidden dependency calls) instead.
 */
export class SimulatedFlowSources1764432500000 implements MigrationInterface {
  name = 'SimulatedFlowSources1764432500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE flow_sources DROP CONSTRAINT ck_flow_sources_kind`);
    await db.query(`ALTER TABLE flow_sources
      ADD CONSTRAINT ck_flow_sources_kind CHECK (kind IN ('hubble-relay', 'goldmane', 'simulated')),
      ALTER COLUMN address DROP NOT NULL,
      ADD COLUMN simulation jsonb,
      ADD CONSTRAINT ck_flow_sources_simulated_settings CHECK ((kind = 'simulated') = (address IS NULL AND simulation IS NOT NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM flow_sources WHERE kind = 'simulated'`);
    await db.query(`ALTER TABLE flow_sources
      DROP CONSTRAINT ck_flow_sources_simulated_settings,
      DROP COLUMN simulation,
      ALTER COLUMN address SET NOT NULL,
      DROP CONSTRAINT ck_flow_sources_kind`);
    await db.query(`ALTER TABLE flow_sources ADD CONSTRAINT ck_flow_sources_kind CHECK (kind IN ('hubble-relay', 'goldmane'))`);
  }
}
