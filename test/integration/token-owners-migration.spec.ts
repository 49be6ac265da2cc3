import { migrations } from '@bulkhead/migrations';
import { openDatabase } from '@bulkhead/persistence';
import { testDatabase } from './support/harness';

/**
 * Tokens made before tokens had owners (the bootstrap admin token of an existing installation) are
 * given the bootstrap admin user when the migration runs.
 */
const index = migrations.findIndex((m) => m.name === 'TokenOwnersAndExpiry1764410000000');
const before = migrations.slice(0, index);

it('gives existing tokens the bootstrap admin user as owner, even when another admin is older, and its down() takes the columns away', async () => {
  const database = await testDatabase();
  try {
    const old = (await openDatabase(database.url, before)).db;
    await old.query(
      `INSERT INTO users (username, password_hash, role, created_at) VALUES ('zoe', 'x', 'admin', now() - interval '1 day'), ('Admin', 'x', 'admin', now()), ('ann', 'x', 'viewer', now() - interval '2 days')`,
    );
    await old.query(
      `INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('bootstrap admin', 'admin', 'h1', 'bh_1'), ('ci', 'operator', 'h2', 'bh_2')`,
    );
    await old.destroy();

    const { db, applied } = await openDatabase(database.url, migrations.slice(0, index + 1));
    expect(applied).toEqual(['TokenOwnersAndExpiry1764410000000']);
    const owners = await db.query(
      `SELECT t.name, u.username, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.owner_id ORDER BY t.name`,
    );
    expect(owners).toEqual([
      { name: 'bootstrap admin', username: 'Admin', expires_at: null },
      { name: 'ci', username: 'Admin', expires_at: null },
    ]);
    await expect(
      db.query(`INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('orphan', 'viewer', 'h3', 'bh_3')`),
    ).rejects.toThrow(/owner_id/);

    await db.undoLastMigration();
    const columns = await db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'api_tokens' AND column_name IN ('owner_id', 'expires_at')`,
    );
    expect(columns).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM api_tokens`)).toEqual([{ n: 2 }]);
    await db.destroy();
  } finally {
    await database.drop();
  }
});
