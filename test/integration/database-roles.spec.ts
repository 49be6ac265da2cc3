import { migrations } from '@bulkhead/migrations';
import { openDatabase, RUNTIME_ROLE_OWNS_SCHEMA } from '@bulkhead/persistence';
import { ensureDatabaseRoles, type DatabaseRoles } from '@bulkhead/platform';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { testDatabase } from './support/harness';

/** Roles of their own, so that this file sees them created (and the test roles of other files stay untouched). */
const suffix = randomBytes(3).toString('hex');
const roles: DatabaseRoles = {
  owner: { name: `bh_roles_${suffix}_owner`, password: 'owner-secret' },
  runtime: { name: `bh_roles_${suffix}_app`, password: 'app-secret' },
};
const databases: Array<Awaited<ReturnType<typeof testDatabase>>> = [];

async function freshDatabase() {
  const database = await testDatabase();
  databases.push(database);
  return database;
}

afterAll(async () => {
  for (const database of databases) await database.drop();
  const [first] = databases;
  if (!first) return; // no test ran, so no role was created
  const server = new URL(first.url);
  server.pathname = '/postgres';
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  for (const role of [roles.owner.name, roles.runtime.name]) await admin.query(`DROP ROLE IF EXISTS "${role}"`);
  await admin.end();
});

const ownerOf = async (url: string, table: string) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = $1`, [table]);
  await client.end();
  return rows[0]?.owner;
};

describe('setting up the owner and runtime roles', () => {
  it('creates both roles once when two processes set up two databases at the same moment', async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    const urls = await Promise.all([a, b, a].map((database) => ensureDatabaseRoles(database.url, roles)));
    for (const { url, migrationUrl } of urls) {
      expect(new URL(url).username).toBe(roles.runtime.name);
      expect(new URL(migrationUrl).username).toBe(roles.owner.name);
    }
    const { url, migrationUrl } = urls[0]!;
    const opened = await openDatabase(url, migrations, { poolSize: 2, migrationUrl });
    expect(opened.runtimeRoleOwnsSchema).toBe(false);
    expect(await ownerOf(migrationUrl, 'audit_log')).toBe(roles.owner.name);
    await expect(opened.db.query(`TRUNCATE audit_log`)).rejects.toThrow('permission denied');
    await opened.db.destroy();
  });

  it('hands a schema that the superuser created before the split over to the owner, and says when the runtime role still owns it', async () => {
    const database = await freshDatabase();
    const before = await openDatabase(database.url, migrations, { poolSize: 2 });
    expect(before.runtimeRoleOwnsSchema).toBe(true); // the superuser: the warning the API logs
    expect(RUNTIME_ROLE_OWNS_SCHEMA).toContain('DATABASE_MIGRATION_URL');
    await before.db.destroy();

    const urls = await ensureDatabaseRoles(database.url, roles);
    expect(await ownerOf(database.url, 'audit_log')).toBe(roles.owner.name);
    expect(await ownerOf(database.url, 'migrations')).toBe(roles.owner.name);
    const after = await openDatabase(urls.url, migrations, { poolSize: 2, migrationUrl: urls.migrationUrl });
    expect(after.applied).toEqual([]);
    expect(after.runtimeRoleOwnsSchema).toBe(false);
    await expect(after.db.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`)).rejects.toThrow('must be owner');
    expect(await after.db.query(`SELECT count(*)::int AS n FROM clusters`)).toEqual([{ n: 0 }]);
    await after.db.destroy();
  });
});
