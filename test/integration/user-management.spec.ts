import { type Harness, startApi, USER_PASSWORD } from './support/harness';
import { signInFrom } from '../security/support/from-address';

/**
 * What an admin does to other people's access, and what a person does to their own password: a new
 * role, a reset password shown once, a removal, and the last admin who can never be lost.
 */
let api: Harness;
const CREDENTIAL_CACHE_MS = 300;

beforeAll(async () => {
  api = await startApi({ BULKHEAD_CREDENTIAL_CACHE_MS: String(CREDENTIAL_CACHE_MS) });
}, 30000);
afterAll(() => api.close());

let address = 10;
/** Each sign-in from its own loopback address, so that the throttle of one test never meets another's. */
const signIn = (username: string, password: string) => signInFrom(`127.0.0.${address++}`, api.url, username, password);

async function newUser(username: string, role = 'operator') {
  const created = await api.call('POST', '/api/v1/users', { body: { username, password: USER_PASSWORD, role } });
  expect(created.status).toBe(201);
  const session = await signIn(username, USER_PASSWORD);
  expect(session.status).toBe(200);
  const headers = { cookie: session.cookie, 'x-csrf-token': session.body.csrfToken as string };
  return { id: created.body.id as string, headers };
}

const asSession = (headers: Record<string, string>, method: string, path: string, body?: unknown) =>
  api.call(method, path, { role: null, headers, body });

const adminId = async () => {
  const users = (await api.call('GET', '/api/v1/users')).body as { id: string; username: string }[];
  return users.find((u) => u.username === 'admin-user')!.id;
};

describe('who may manage users', () => {
  it.each(['viewer', 'operator', 'approver'] as const)('refuses a %s every user change with 403 and changes nothing', async (role) => {
    const target = await newUser(`target-${role}`);
    const calls: [string, string, unknown?][] = [
      ['PATCH', `/api/v1/users/${target.id}`, { role: 'admin' }],
      ['POST', `/api/v1/users/${target.id}/reset-password`],
      ['DELETE', `/api/v1/users/${target.id}`],
    ];
    for (const [method, path, body] of calls) {
      expect((await api.call(method, path, { role, body })).status).toBe(403);
    }
    expect((await asSession(target.headers, 'GET', '/api/v1/auth/me')).body.role).toBe('operator');
  });
});

describe('PATCH /api/v1/users/:userId', () => {
  it('gives a user another role, which their session carries at once, and audits it', async () => {
    const dana = await newUser('dana', 'viewer');
    const changed = await api.call('PATCH', `/api/v1/users/${dana.id}`, { body: { role: 'operator' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: dana.id, username: 'dana', role: 'operator' });
    expect((await asSession(dana.headers, 'GET', '/api/v1/auth/me')).body.role).toBe('operator');
    const audit = await api.db.query(`SELECT target, details FROM audit_log WHERE action = 'user.change_role'`);
    expect(audit).toEqual([expect.objectContaining({ target: 'dana', details: expect.objectContaining({ role: 'operator' }) })]);
  });

  it('names the field of a role that does not exist and changes nothing', async () => {
    const id = await adminId();
    const answer = await api.call('PATCH', `/api/v1/users/${id}`, { body: { role: 'owner' } });
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual([expect.objectContaining({ field: 'body.role' })]);
    expect((await api.call('GET', '/api/v1/auth/me')).body.role).toBe('admin');
  });

  it('answers 404 for a user that does not exist', async () => {
    const answer = await api.call('PATCH', '/api/v1/users/00000000-0000-4000-8000-000000000000', { body: { role: 'viewer' } });
    expect(answer.status).toBe(404);
  });
});

describe('POST /api/v1/users/:userId/reset-password', () => {
  it('answers a new password once, ends their sessions, and the new password signs in', async () => {
    const erin = await newUser('erin');
    const reset = await api.call('POST', `/api/v1/users/${erin.id}/reset-password`);
    expect(reset.status).toBe(200);
    expect(reset.body.user).toMatchObject({ id: erin.id, username: 'erin' });
    const password = reset.body.password as string;
    expect(password).toHaveLength(20);

    expect((await asSession(erin.headers, 'GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await signIn('erin', USER_PASSWORD)).status).toBe(401);
    expect((await signIn('erin', password)).status).toBe(200);

    // Shown once: nothing else answers it, and the audit trail does not hold it.
    const users = await api.call('GET', '/api/v1/users');
    expect(JSON.stringify(users.body)).not.toContain(password);
    const audit = await api.db.query(`SELECT target, details::text AS details FROM audit_log WHERE action = 'user.reset_password'`);
    expect(audit).toHaveLength(1);
    expect(audit[0].target).toBe('erin');
    expect(audit[0].details).not.toContain(password);
    const again = await api.call('POST', `/api/v1/users/${erin.id}/reset-password`);
    expect(again.body.password).not.toBe(password);
  });
});

describe('DELETE /api/v1/users/:userId', () => {
  it('removes a user: their session answers 401, their tokens stop working, and they are no longer listed', async () => {
    const frank = await newUser('frank', 'admin');
    const token = await asSession(frank.headers, 'POST', '/api/v1/tokens', { name: 'frank-laptop', role: 'viewer' });
    expect(token.status).toBe(201);
    const removed = await api.call('DELETE', `/api/v1/users/${frank.id}`);
    expect(removed.status).toBe(204);

    expect((await asSession(frank.headers, 'GET', '/api/v1/auth/me')).status).toBe(401);
    const byToken = await api.call('GET', '/api/v1/auth/me', { role: null, headers: { authorization: `Bearer ${token.body.token}` } });
    expect(byToken.status).toBe(401);
    expect((await signIn('frank', USER_PASSWORD)).status).toBe(401);
    const users = (await api.call('GET', '/api/v1/users')).body as { username: string }[];
    expect(users.map((u) => u.username)).not.toContain('frank');
    expect(await api.db.query(`SELECT target FROM audit_log WHERE action = 'user.remove'`)).toEqual([{ target: frank.id }]);
    expect((await api.call('DELETE', `/api/v1/users/${frank.id}`)).status).toBe(404);
  });
});

describe('the last admin', () => {
  it('is never demoted, removed or disabled (409), whoever asks', async () => {
    // The harness's admin is the only enabled admin left here once the others are gone.
    const others = (
      (await api.call('GET', '/api/v1/users')).body as { id: string; role: string; username: string; disabledAt: string | null }[]
    ).filter((u) => u.role === 'admin' && u.username !== 'admin-user' && !u.disabledAt);
    for (const other of others) expect((await api.call('POST', `/api/v1/users/${other.id}/disable`)).status).toBe(200);
    const id = await adminId();
    const demote = await api.call('PATCH', `/api/v1/users/${id}`, { body: { role: 'operator' } });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('user.last_admin');
    expect((await api.call('DELETE', `/api/v1/users/${id}`)).status).toBe(409);
    expect((await api.call('POST', `/api/v1/users/${id}/disable`)).status).toBe(409);
    // Staying an admin is no demotion.
    expect((await api.call('PATCH', `/api/v1/users/${id}`, { body: { role: 'admin' } })).status).toBe(200);
    expect((await api.call('GET', '/api/v1/auth/me')).body.role).toBe('admin');
  });
});

describe('POST /api/v1/auth/password', () => {
  it('changes the caller’s own password given the current one; their other sessions end, this one stays', async () => {
    const gwen = await newUser('gwen', 'viewer');
    const other = await signIn('gwen', USER_PASSWORD);
    const next = 'a much longer passphrase';
    const changed = await asSession(gwen.headers, 'POST', '/api/v1/auth/password', { current: USER_PASSWORD, next });
    expect(changed.status).toBe(204);
    expect((await asSession(gwen.headers, 'GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await asSession({ cookie: other.cookie }, 'GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await signIn('gwen', USER_PASSWORD)).status).toBe(401);
    expect((await signIn('gwen', next)).status).toBe(200);
    expect(await api.db.query(`SELECT target FROM audit_log WHERE action = 'user.change_password'`)).toEqual([{ target: 'gwen' }]);
  });

  it('refuses a wrong current password with 403 naming current, and a short new one with 400 naming next', async () => {
    const hal = await newUser('hal', 'viewer');
    const wrong = await asSession(hal.headers, 'POST', '/api/v1/auth/password', { current: 'not it at all', next: 'whatever long enough' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.problems).toEqual([{ field: 'body.current', reason: 'is not your current password' }]);
    const short = await asSession(hal.headers, 'POST', '/api/v1/auth/password', { current: USER_PASSWORD, next: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.problems).toEqual([expect.objectContaining({ field: 'body.next' })]);
    expect((await signIn('hal', USER_PASSWORD)).status).toBe(200);
  });

  it('throttles guesses at the current password like sign-ins', async () => {
    const ivy = await newUser('ivy', 'viewer');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      statuses.push(
        (await asSession(ivy.headers, 'POST', '/api/v1/auth/password', { current: `guess number ${i}`, next: 'whatever long enough' }))
          .status,
      );
    }
    expect(statuses).toContain(429);
  });
});
