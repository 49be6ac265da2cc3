import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Goldmane sends 15-second buckets and may send one again with larger counts. `goldmane_buckets` holds
 * the latest counts per source, bucket start and Goldmane flow key, so that a bucket received twice is
 * set, not added; what a bucket's counts change is what its edge gains. Rows older than Goldmane keeps
 * are pruned by the collector's writes.
 */
export class GoldmaneBuckets1764430000000 implements MigrationInterface {
  name = 'GoldmaneBuckets1764430000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE goldmane_buckets (
      source_id uuid NOT NULL CONSTRAINT fk_goldmane_buckets_source REFERENCES flow_sources(id) ON DELETE CASCADE,
      bucket_start timestamptz NOT NULL,
      flow_key text NOT NULL,
      edge_key text NOT NULL,
      reporter text NOT NULL,
      connections bigint NOT NULL,
      CONSTRAINT pk_goldmane_buckets PRIMARY KEY (source_id, bucket_start, flow_key)
    )`);
    await db.query(`CREATE INDEX ix_goldmane_buckets_edge ON goldmane_buckets (source_id, bucket_start, edge_key)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE goldmane_buckets`);
  }
}
