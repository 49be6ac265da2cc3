import { createDataSource, writeAuditEntries } from '@bulkhead/persistence';
import type { DataSource } from 'typeorm';
import { type Harness, startApi, USER_PASSWORD } from './support/harness';

let api: Harness;
/** A connection as the schema's owner, which migrations use: what an attacker holding that role has. */
let owner: DataSource;
beforeAll(async () => {
  api = await startApi();
  owner = await createDataSource(api.databaseUrls.migrationUrl, [], { poolSize: 1 }).initialize();
});
afterAll(async () => {
  await owner.destroy();
  await api.close();
});

const audit = async (query = '') => (await api.call('GET', `/api/v1/audit${query}`, { role: 'viewer' })).body.items;

describe('the audit log', () => {
  it('records who did what to which cluster, newest first', async () => {
    const cluster = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'audited', cni: 'calico' } })).body;
    await api.call('PATCH', `/api/v1/clusters/${cluster.id}`, { role: 'operator', body: { cni: 'cilium' } });
    const entries = await audit(`?clusterId=${cluster.id}`);
    expect(entries.map((e: any) => [e.actor, e.action, e.target ?? null])).toEqual([
      ['token:test-operator', 'cluster.update', null],
      ['token:test-operator', 'cluster.create', 'audited'],
    ]);
    expect(entries[0].details.requestId).toBeTruthy();
  });

  it('records nothing for a refused action', async () => {
    await api.call('POST', '/api/v1/clusters', { role: 'viewer', body: { name: 'refused' } });
    await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'Not Valid' } });
    expect((await audit('?action=cluster.create')).map((e: any) => e.target)).toEqual(['audited']);
  });

  it('records sign-ins and filters by actor, by action prefix and by text', async () => {
    await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'approver-user', password: USER_PASSWORD }),
    });
    expect((await audit('?actor=user:approver-user')).map((e: any) => e.action)).toEqual(['auth.sign_in']);
    expect((await audit('?action=cluster.')).length).toBe(2);
    expect((await audit('?q=audit')).map((e: any) => e.action)).toEqual(['cluster.create']);
    const bad = await api.call('GET', '/api/v1/audit?limit=9999', { role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].field).toBe('query.limit');
  });

  it('is append-only: the database refuses to change or remove an entry, even to its owner', async () => {
    await expect(owner.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow('append-only');
    await expect(owner.query(`DELETE FROM audit_log`)).rejects.toThrow('append-only');
  });

  it('refuses TRUNCATE, even to its owner, unless the triggers are disabled first', async () => {
    await expect(owner.query(`TRUNCATE audit_log`)).rejects.toThrow('append-only');
    const runner = owner.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await runner.query(`TRUNCATE audit_log`);
      expect(await runner.query(`SELECT count(*)::int AS left FROM audit_log`)).toEqual([{ left: 0 }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await audit()).length).toBeGreaterThan(0);
  });
});

describe('the role the API runs as', () => {
  it.each([
    ['TRUNCATE the log', `TRUNCATE audit_log`, 'permission denied for table audit_log'],
    ['delete entries', `DELETE FROM audit_log`, 'permission denied for table audit_log'],
    ['change entries', `UPDATE audit_log SET actor = 'someone else'`, 'permission denied for table audit_log'],
    ['switch the triggers off', `ALTER TABLE audit_log DISABLE TRIGGER USER`, 'must be owner of table audit_log'],
    ['drop the log', `DROP TABLE audit_log`, 'must be owner of table audit_log'],
    ['alter the log', `ALTER TABLE audit_log DROP COLUMN hash`, 'must be owner of table audit_log'],
    [
      'replace the chain trigger',
      `CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      'permission denied for schema public',
    ],
    [
      'skip every trigger as a replica does',
      `SET session_replication_role = replica`,
      'permission denied to set parameter "session_replication_role"',
    ],
    ['create a table', `CREATE TABLE shadow (id int)`, 'permission denied for schema public'],
    [
      'record a migration as applied',
      `INSERT INTO migrations (timestamp, name) VALUES (1, 'Forged1')`,
      'permission denied for table migrations',
    ],
  ])('cannot %s', async (_what, sql, refusal) => {
    await expect(api.db.query(sql)).rejects.toThrow(refusal);
  });

  it('owns nothing and is no superuser, and still reads and appends to the log', async () => {
    expect(
      await api.db.query(
        `SELECT rolsuper, (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owned FROM pg_roles r WHERE rolname = current_user`,
      ),
    ).toEqual([{ rolsuper: false, owned: 0 }]);
    await writeAuditEntries(api.db, [{ actor: 'system:test', action: 'test.append' }]);
    expect((await audit('?action=test.append')).length).toBe(1);
  });
});

describe('the audit hash chain', () => {
  const verify = async () => (await api.call('GET', '/api/v1/audit/verify', { role: 'approver' })).body;
  const positions = async () =>
    (await api.db.query(`SELECT position::int AS position FROM audit_log ORDER BY position`)).map((r: { position: number }) => r.position);

  it('chains every entry, from the first, and the verify route says the chain is whole', async () => {
    const count = (await positions()).length;
    expect(await positions()).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(await verify()).toEqual({ ok: true, checked: count });
    const [newest] = await audit('?limit=1');
    expect(newest.position).toBe(count);
    expect(newest.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps concurrent batched writers in one chain, each batch in a run of its own', async () => {
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 25 }, (_, i) => ({ actor: `system:batch-${b}`, action: 'test.chain', target: String(i) })),
    );
    await Promise.all(batches.map((entries) => writeAuditEntries(api.db, entries)));
    const rows: Array<{ actor: string; target: string; position: number }> = await api.db.query(
      `SELECT actor, target, position::int AS position FROM audit_log WHERE action = 'test.chain' ORDER BY position`,
    );
    for (const [b, batch] of batches.entries()) {
      const run = rows.filter((r) => r.actor === `system:batch-${b}`);
      expect(run.map((r) => r.target)).toEqual(batch.map((e) => e.target));
      expect(run[run.length - 1]!.position - run[0]!.position).toBe(run.length - 1);
    }
    expect((await verify()).ok).toBe(true);
  });

  it('is verified by approvers and admins only', async () => {
    expect((await api.call('GET', '/api/v1/audit/verify', { role: 'operator' })).status).toBe(403);
    expect((await api.call('GET', '/api/v1/audit/verify', { role: 'admin' })).status).toBe(200);
  });

  /** What an attacker with the owner role can do: switch the triggers off, change the log, switch them on. */
  const tamper = async (sql: string) => {
    await owner.transaction(async (em) => {
      await em.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await em.query(sql);
      await em.query(`ALTER TABLE audit_log ENABLE TRIGGER USER`);
    });
  };

  it('names a removed entry', async () => {
    await tamper(`DELETE FROM audit_log WHERE position = 5`);
    expect(await verify()).toEqual({ ok: false, checked: 4, firstBrokenAt: 5, reason: 'entry 5 is missing' });
  });

  it('names an edited entry, before any later break', async () => {
    await tamper(`UPDATE audit_log SET actor = 'someone else' WHERE position = 2`);
    expect(await verify()).toEqual({
      ok: false,
      checked: 1,
      firstBrokenAt: 2,
      reason: expect.stringContaining('entry 2 was changed after it was written'),
    });
  });

  it('names an edit whose hash was recomputed: the next entry no longer follows', async () => {
    await tamper(
      `UPDATE audit_log SET hash = audit_log_entry_hash(position, at, actor, action, cluster_id, target, details, before, after, previous_hash) WHERE position = 2`,
    );
    expect(await verify()).toEqual({
      ok: false,
      checked: 2,
      firstBrokenAt: 3,
      reason: expect.stringContaining('entry 3 does not follow the entry before it'),
    });
  });
});
