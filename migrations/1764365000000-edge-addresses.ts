import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The IP addresses a DNS-named external destination was reached at, so a plan can name it by ipBlock. */
export class EdgeAddresses1764365000000 implements MigrationInterface {
  name = 'EdgeAddresses1764365000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE edges ADD COLUMN addresses text[] NOT NULL DEFAULT '{}'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE edges DROP COLUMN addresses`);
  }
}
