import { REFUSAL_AUDIT_LIMIT } from '../../apps/api/src/http/refusal-audit';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';
import { fromAddress, signInFrom } from './support/from-address';

/**
 * Every refused change (401, 403 on POST, PUT, PATCH, DELETE) is in the audit log with who it was
 * as far as known, and where from; a flood of them cannot grow the log without bound.
 */
let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

type Row = { actor: string; action: string; details: any };
const refusalsFrom = (address: string): Promise<Row[]> =>
  api.db.query(`SELECT actor, action, details FROM audit_log WHERE details->>'address' = $1 ORDER BY id`, [address]);
const until = (address: string, count: number) =>
  api.waitFor(
    () => refusalsFrom(address),
    (rows) => rows.length >= count,
  );
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('refused changes in the audit log', () => {
  it('an unknown token on a write route: 401, audited as anonymous', async () => {
    const answer = await fromAddress('127.0.0.40', api.url, 'POST', '/api/v1/clusters', {
      body: { name: 'x' },
      headers: bearer('bh_not-a-real-token-at-all'),
    });
    expect(answer.status).toBe(401);
    const [row] = await until('127.0.0.40', 1);
    expect(row).toMatchObject({
      actor: 'anonymous',
      action: 'auth.refused',
      details: { status: 401, code: 'auth.invalid_token', method: 'POST', path: '/api/v1/clusters' },
    });
    expect(JSON.stringify(row)).not.toContain('not-a-real-token');
  });

  it('a token without the role: 403, audited under the token', async () => {
    const answer = await fromAddress('127.0.0.41', api.url, 'DELETE', `/api/v1/tokens/00000000-0000-4000-8000-000000000000`, {
      headers: bearer(api.tokens.viewer),
    });
    expect(answer.status).toBe(403);
    const [row] = await until('127.0.0.41', 1);
    expect(row).toMatchObject({
      actor: 'token:test-viewer',
      action: 'auth.refused',
      details: { status: 403, code: 'auth.role_required', method: 'DELETE' },
    });
  });

  it('a session cookie without its CSRF token: 403, audited under the user', async () => {
    const session = await signInFrom('127.0.0.42', api.url, 'operator-user', USER_PASSWORD);
    const answer = await fromAddress('127.0.0.42', api.url, 'POST', '/api/v1/clusters', {
      body: { name: 'forged' },
      headers: { cookie: session.cookie },
    });
    expect(answer.status).toBe(403);
    const [row] = await until('127.0.0.42', 1);
    expect(row).toMatchObject({ actor: 'user:operator-user', action: 'auth.refused', details: { status: 403, code: 'auth.csrf' } });
  });

  it('an expired token: 401 that says so, audited under the token', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await api.call('POST', '/api/v1/tokens', { body: { name: 'short-lived', role: 'operator', expiresAt } });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1600));
    const answer = await fromAddress('127.0.0.43', api.url, 'POST', '/api/v1/clusters', {
      body: { name: 'late' },
      headers: bearer(created.body.token),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('auth.token_expired');
    expect(answer.body.message).toMatch(/expired/);
    const [row] = await until('127.0.0.43', 1);
    expect(row).toMatchObject({ actor: 'token:short-lived', action: 'auth.refused', details: { status: 401, code: 'auth.token_expired' } });
  });

  it('refused reads are not written', async () => {
    expect((await fromAddress('127.0.0.44', api.url, 'GET', '/api/v1/tokens', { headers: bearer(api.tokens.viewer) })).status).toBe(403);
    expect((await fromAddress('127.0.0.44', api.url, 'GET', '/api/v1/clusters')).status).toBe(401);
    // A refused change after them, to know the refusals before it had their chance to be written.
    await fromAddress('127.0.0.44', api.url, 'POST', '/api/v1/clusters', { body: { name: 'x' } });
    await until('127.0.0.44', 1);
    expect((await refusalsFrom('127.0.0.44')).map((r) => r.details.method)).toEqual(['POST']);
  });
});

describe('a flood of refused changes', () => {
  it(`writes ${REFUSAL_AUDIT_LIMIT.entriesPerAddress} refusals per address and window, then one line saying the rest were not written`, async () => {
    const flood = 200;
    for (let i = 0; i < flood; i++) {
      expect(
        (await fromAddress('127.0.0.45', api.url, 'POST', '/api/v1/clusters', { body: { name: 'x' }, headers: bearer(`bh_guess-${i}`) }))
          .status,
      ).toBe(401);
    }
    const rows = await until('127.0.0.45', REFUSAL_AUDIT_LIMIT.entriesPerAddress + 1);
    // Give stragglers a moment: nothing more may arrive.
    await new Promise((r) => setTimeout(r, 300));
    const all = await refusalsFrom('127.0.0.45');
    expect(all).toHaveLength(REFUSAL_AUDIT_LIMIT.entriesPerAddress + 1);
    expect(all.filter((r) => r.action === 'auth.refused')).toHaveLength(REFUSAL_AUDIT_LIMIT.entriesPerAddress);
    expect(rows.filter((r) => r.action === 'audit.refusals_suppressed')).toHaveLength(1);
    // Another address is written as before.
    await fromAddress('127.0.0.46', api.url, 'POST', '/api/v1/clusters', { body: { name: 'x' } });
    expect(await until('127.0.0.46', 1)).toHaveLength(1);
  });
});
