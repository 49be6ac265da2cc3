import { type Harness, startApi, USER_PASSWORD } from './support/harness';

let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

async function signIn(username: string, password = USER_PASSWORD) {
  const res = await fetch(`${api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body: (await res.json()) as any, cookie: cookie.split(';')[0]!, setCookie: cookie };
}

const withCookie = (cookie: string, method: string, path: string, body?: unknown, csrf?: string) =>
  fetch(`${api.url}${path}`, {
    method,
    headers: { cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('dashboard sign-in', () => {
  it('opens a session in an HttpOnly, SameSite=Strict cookie and hands out a CSRF token', async () => {
    const res = await signIn('operator-user');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'user', name: 'operator-user', role: 'operator' });
    expect(res.body.csrfToken).toMatch(/^bh_/);
    expect(res.setCookie).toMatch(/^bh_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+/);
    const me = await withCookie(res.cookie, 'GET', '/api/v1/auth/me');
    expect(await me.json()).toMatchObject({ kind: 'user', name: 'operator-user', csrfToken: res.body.csrfToken });
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await signIn('nobody');
    const wrong = await signIn('operator-user', 'not the password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(wrong.cookie).toBe('');
  });

  it('refuses a change made with the cookie but without the CSRF token', async () => {
    const { cookie, body } = await signIn('operator-user');
    const forged = await withCookie(cookie, 'POST', '/api/v1/clusters', { name: 'forged' });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as any).code).toBe('auth.csrf');
    const wrong = await withCookie(cookie, 'POST', '/api/v1/clusters', { name: 'forged' }, 'bh_wrong');
    expect(wrong.status).toBe(403);
    const ok = await withCookie(cookie, 'POST', '/api/v1/clusters', { name: 'by-cookie' }, body.csrfToken);
    expect(ok.status).toBe(201);
  });

  it('applies the role of the signed-in user', async () => {
    const { cookie, body } = await signIn('viewer-user');
    expect((await withCookie(cookie, 'GET', '/api/v1/clusters')).status).toBe(200);
    expect((await withCookie(cookie, 'POST', '/api/v1/clusters', { name: 'nope' }, body.csrfToken)).status).toBe(403);
  });

  it('closes the session on sign-out', async () => {
    const { cookie, body } = await signIn('admin-user');
    const out = await withCookie(cookie, 'POST', '/api/v1/auth/logout', undefined, body.csrfToken);
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await withCookie(cookie, 'GET', '/api/v1/clusters')).status).toBe(401);
  });

  it('lets an admin create users, stores no password in clear, and refuses weak ones', async () => {
    const created = await api.call('POST', '/api/v1/users', {
      role: 'admin',
      body: { username: 'alice', password: 'a long enough password', role: 'approver' },
    });
    expect(created.status).toBe(201);
    const [row] = await api.db.query(`SELECT password_hash FROM users WHERE username = 'alice'`);
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('a long enough password');
    expect((await signIn('ALICE', 'a long enough password')).status).toBe(200);
    const weak = await api.call('POST', '/api/v1/users', { role: 'admin', body: { username: 'bob', password: 'short', role: 'viewer' } });
    expect(weak.status).toBe(400);
    expect(weak.body.problems[0].field).toBe('body.password');
    expect(
      (
        await api.call('POST', '/api/v1/users', {
          role: 'operator',
          body: { username: 'eve', password: 'a long enough password', role: 'admin' },
        })
      ).status,
    ).toBe(403);
  });

  it('keeps API tokens working for pipelines, without CSRF', async () => {
    expect((await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'by-token' } })).status).toBe(201);
  });
});
