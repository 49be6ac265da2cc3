import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The install's identity: one row with an id made when the database was set up. Together with the
 * database's name it tells installs apart, so that two of them never share a queue prefix in one Redis.
 */
export class InstallIdentity1764412000000 implements MigrationInterface {
  name = 'InstallIdentity1764412000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE install_identity (
        singleton boolean PRIMARY KEY DEFAULT true CONSTRAINT ck_install_identity_singleton CHECK (singleton),
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`INSERT INTO install_identity DEFAULT VALUES`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE install_identity`);
  }
}
