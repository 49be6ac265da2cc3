import { migrations } from '@bulkhead/migrations';
import { openDatabase } from '@bulkhead/persistence';
import { testDatabase } from './support/harness';

/**
 * Tokens made before tokens had owners (the bootstrap admin token of an existing installation) are
 * given the bootstrap admin user when the migration runs.
 */
const before = migrations.slice(0, migrations.findIndex((m) => m.name === 'TokenOwnersAndExpiry1764410000000'));

it('gives existing tokens the bootstrap admin user as owner, even when another admin is older', async () => {
  const database = await testDatabase();
  try {
    const old = (await openDatabase(database.url, before)).db;
    await old.query(`INSERT INTO users (username, password_hash, role, created_at) VALUES ('zoe', 'x', 'admin', now() - interval '1 day'), ('Admin', 'x', 'admin', now()), ('ann', 'x', 'viewer', now() - interval '2 days')`);
    await old.query(`INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('bootstrap admin', 'admin', 'h1', 'bh_1'), ('ci', 'operator', 'h2', 'bh_2')`);
    await old.destroy();

    const { db, applied } = await openDatabase(database.url, migrations);
    expect(applied).toContain('TokenOwnersAndExpiry1764410000000');
    const owners = await db.query(`SELECT t.name, u.username, t.expires_at FROM api_tokens t JOIN users u ON u.id = t.owner_id ORDER BY t.name`);
    expect(owners).toEqual([
      { name: 'bootstrap admin', username: 'Admin', expires_at: null },
      { name: 'ci', username: 'Admin', expires_at: null },
    ]);
    await expect(db.query(`INSERT INTO api_tokens (name, role, token_hash, prefix) VALUES ('orphan', 'viewer', 'h3', 'bh_3')`)).rejects.toThrow(/owner_id/);
    await db.destroy();
  } finally {
    await database.drop();
  }
});
