import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every API token acts for a user (its owner) and may expire. Tokens made before owners existed
 * (the bootstrap admin token) go to the bootstrap admin user: `admin`, or else the oldest admin.
 */
export class TokenOwnersAndExpiry1764410000000 implements MigrationInterface {
  name = 'TokenOwnersAndExpiry1764410000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens ADD COLUMN owner_id uuid, ADD COLUMN expires_at timestamptz`);
    await db.query(`UPDATE api_tokens SET owner_id = (
      SELECT id FROM users WHERE role = 'admin' ORDER BY lower(username) = 'admin' DESC, disabled_at IS NULL DESC, created_at, id LIMIT 1)`);
    const [{ ownerless }] = await db.query(`SELECT count(*)::int AS ownerless FROM api_tokens WHERE owner_id IS NULL`);
    if (ownerless > 0) throw new Error(`${ownerless} API tokens exist but no admin user to own them; create an admin user first`);
    await db.query(`ALTER TABLE api_tokens ALTER COLUMN owner_id SET NOT NULL,
      ADD CONSTRAINT fk_api_tokens_owner FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE RESTRICT`);
    await db.query(`CREATE INDEX ix_api_tokens_owner ON api_tokens (owner_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_api_tokens_owner`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN expires_at, DROP COLUMN owner_id`);
  }
}
