import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersAndSessions1764330000000 implements MigrationInterface {
  name = 'UsersAndSessions1764330000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz,
      CONSTRAINT ck_users_role CHECK (role IN ('viewer','operator','approver','admin'))
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_users_username ON users (lower(username))`);
    await db.query(`CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL CONSTRAINT fk_sessions_user REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_sessions_token_hash ON sessions (token_hash)`);
    await db.query(`CREATE INDEX ix_sessions_expires ON sessions (expires_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sessions`);
    await db.query(`DROP TABLE users`);
  }
}
