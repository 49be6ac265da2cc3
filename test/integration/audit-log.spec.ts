import { type Harness, startApi, USER_PASSWORD } from './support/harness';

let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const audit = async (query = '') => (await api.call('GET', `/api/v1/audit${query}`, { role: 'viewer' })).body;

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
    await fetch(`${api.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'approver-user', password: USER_PASSWORD }) });
    expect((await audit('?actor=user:approver-user')).map((e: any) => e.action)).toEqual(['auth.sign_in']);
    expect((await audit('?action=cluster.')).length).toBe(2);
    expect((await audit('?q=audit')).map((e: any) => e.action)).toEqual(['cluster.create']);
    const bad = await api.call('GET', '/api/v1/audit?limit=9999', { role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].field).toBe('query.limit');
  });

  it('is append-only: the database refuses to change or remove an entry', async () => {
    await expect(api.db.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow('append-only');
    await expect(api.db.query(`DELETE FROM audit_log`)).rejects.toThrow('append-only');
  });

  it('refuses TRUNCATE, even to its owner, unless the triggers are disabled first', async () => {
    await expect(api.db.query(`TRUNCATE audit_log`)).rejects.toThrow('append-only');
    const owner = api.db.createQueryRunner();
    await owner.startTransaction();
    try {
      await owner.query(`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await owner.query(`TRUNCATE audit_log`);
      expect(await owner.query(`SELECT count(*)::int AS left FROM audit_log`)).toEqual([{ left: 0 }]);
    } finally {
      await owner.rollbackTransaction();
      await owner.release();
    }
    expect((await audit()).length).toBeGreaterThan(0);
  });
});
