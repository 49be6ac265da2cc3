import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, startApi, untieredExclusions, USER_PASSWORD } from '../integration/support/harness';
import { signInFrom } from './support/from-address';

/**
 * Who a token is for, how long it lives, and what ending a person's access does: tokens have an
 * owner and may expire, disabling a user ends their sessions, tokens and open event streams at
 * once, and names cannot hide what they say behind invisible characters.
 */
let api: Harness;
let rolloutId: string;
/** How long this API believes a credential it found (BULKHEAD_CREDENTIAL_CACHE_MS): a change written behind its back counts after that. */
const CREDENTIAL_CACHE_MS = 400;
const pastTheCredentialCache = () => new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_MS + 100));

beforeAll(async () => {
  api = await startApi({ BULKHEAD_CREDENTIAL_CACHE_MS: String(CREDENTIAL_CACHE_MS) });
  const cluster = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'streams', cni: 'calico' } })).body;
  const snapshot = readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8');
  await api.call('PUT', `/api/v1/clusters/${cluster.id}/snapshot`, {
    role: 'operator',
    raw: snapshot,
    headers: { 'content-type': 'application/yaml' },
  });
  const plan = (await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' })).body;
  const rollout = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id) },
  });
  expect(rollout.status).toBe(201);
  rolloutId = rollout.body.id;
}, 30000);
afterAll(() => api.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const as = (headers: Record<string, string>, method: string, path: string, body?: unknown) =>
  api.call(method, path, { role: null, headers, body });

async function newUser(username: string, role = 'operator') {
  const created = await api.call('POST', '/api/v1/users', { body: { username, password: USER_PASSWORD, role } });
  expect(created.status).toBe(201);
  const session = await signInFrom('127.0.0.1', api.url, username, USER_PASSWORD);
  expect(session.status).toBe(200);
  return { id: created.body.id as string, cookie: session.cookie, csrf: session.body.csrfToken as string };
}

/** Opens the rollout's event stream and reads it until the server ends it; resolves with what was read and how long it stayed open. */
async function openStream(headers: Record<string, string>) {
  const res = await fetch(`${api.url}/api/v1/rollouts/${rolloutId}/events`, { headers });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain('event: rollout');
  const ended = (async () => {
    let text = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return { text, endedAt: Date.now() };
      text += new TextDecoder().decode(chunk.value);
    }
  })();
  return { ended, cancel: () => reader.cancel() };
}

describe('token owners', () => {
  it("a token made by a token belongs to that token's owner; one made by a signed-in user belongs to that user", async () => {
    const byToken = await api.call('POST', '/api/v1/tokens', { role: 'admin', body: { name: 'pipeline', role: 'operator' } });
    expect(byToken.status).toBe(201);
    expect(byToken.body.owner.username).toBe('admin-user');
    const grandchild = await as(bearer(byToken.body.token), 'GET', '/api/v1/auth/me');
    expect(grandchild.body).toMatchObject({ kind: 'token', name: 'pipeline' });

    const erin = await newUser('erin', 'admin');
    const bySession = await as({ cookie: erin.cookie, 'x-csrf-token': erin.csrf }, 'POST', '/api/v1/tokens', {
      name: 'erin-laptop',
      role: 'viewer',
    });
    expect(bySession.status).toBe(201);
    expect(bySession.body.owner).toEqual({ id: erin.id, username: 'erin' });
    const fromErinsToken = await as(bearer(bySession.body.token), 'POST', '/api/v1/tokens', { name: 'nope', role: 'viewer' });
    expect(fromErinsToken.status).toBe(403);

    const listed = (await api.call('GET', '/api/v1/tokens')).body;
    expect(listed.find((t: any) => t.name === 'erin-laptop')).toMatchObject({
      owner: { username: 'erin' },
      expiresAt: null,
      revokedAt: null,
    });
    expect(JSON.stringify(listed)).not.toContain(bySession.body.token);
  });

  it("records a token's last use at most once a minute", async () => {
    const made = (await api.call('POST', '/api/v1/tokens', { body: { name: 'busy', role: 'viewer' } })).body;
    const lastUsed = async () =>
      (await api.db.query(`SELECT last_used_at FROM api_tokens WHERE id = $1`, [made.id]))[0].last_used_at as Date | null;
    expect(await lastUsed()).toBeNull();
    await as(bearer(made.token), 'GET', '/api/v1/clusters');
    const first = await lastUsed();
    expect(first).not.toBeNull();
    for (let i = 0; i < 5; i++) await as(bearer(made.token), 'GET', '/api/v1/clusters');
    expect(await lastUsed()).toEqual(first);
    await api.db.query(`UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = $1`, [made.id]);
    const stale = await lastUsed();
    await pastTheCredentialCache();
    await as(bearer(made.token), 'GET', '/api/v1/clusters');
    expect((await lastUsed())!.getTime()).toBeGreaterThan(stale!.getTime());
    expect((await api.call('GET', '/api/v1/tokens')).body.find((t: any) => t.id === made.id).lastUsedAt).not.toBeNull();
  });
});

describe('token expiry', () => {
  it('refuses an expired token with a 401 that says it expired', async () => {
    const made = (
      await api.call('POST', '/api/v1/tokens', {
        body: { name: 'until-soon', role: 'viewer', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      })
    ).body;
    expect((await as(bearer(made.token), 'GET', '/api/v1/clusters')).status).toBe(200);
    await api.db.query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [made.id]);
    await pastTheCredentialCache();
    const refused = await as(bearer(made.token), 'GET', '/api/v1/clusters');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'auth.token_expired' });
    expect(refused.body.message).toMatch(/expired at/);
  });

  it('refuses to make a token that has expired already, naming the field', async () => {
    const res = await api.call('POST', '/api/v1/tokens', { body: { name: 'past', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ field: 'body.expiresAt', reason: 'must be in the future' }]);
    expect((await api.db.query(`SELECT 1 FROM api_tokens WHERE name = 'past'`)).length).toBe(0);
    const garbled = await api.call('POST', '/api/v1/tokens', { body: { name: 'garbled', role: 'viewer', expiresAt: 'tomorrow' } });
    expect(garbled.status).toBe(400);
    expect(garbled.body.problems[0].field).toBe('body.expiresAt');
  });
});

describe('ending access', () => {
  it('disabling a user ends their sessions, their tokens and their open event streams at once; they cannot sign in again', async () => {
    const frank = await newUser('frank', 'admin');
    const token = (
      await as({ cookie: frank.cookie, 'x-csrf-token': frank.csrf }, 'POST', '/api/v1/tokens', { name: 'frank-ci', role: 'viewer' })
    ).body;
    expect(token.owner.username).toBe('frank');
    const tokenStream = await openStream(bearer(token.token));
    const sessionStream = await openStream({ cookie: frank.cookie });
    const othersStream = await openStream(bearer(api.tokens.viewer));

    const disabled = await api.call('POST', `/api/v1/users/${frank.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabledAt).not.toBeNull();
    const disabledAt = Date.now();

    expect((await as({ cookie: frank.cookie }, 'GET', '/api/v1/clusters')).status).toBe(401);
    expect((await as(bearer(token.token), 'GET', '/api/v1/clusters')).status).toBe(401);
    expect((await signInFrom('127.0.0.1', api.url, 'frank', USER_PASSWORD)).status).toBe(401);
    const [byToken, bySession] = await Promise.all([tokenStream.ended, sessionStream.ended]);
    expect(byToken.endedAt - disabledAt).toBeLessThan(5000);
    expect(bySession.endedAt - disabledAt).toBeLessThan(5000);
    expect(byToken.text).toMatch(/event: end\ndata: .*auth\.invalid_token/);
    expect(bySession.text).toMatch(/event: end\ndata: .*auth\.session_expired/);
    // Somebody else's stream goes on.
    const stillOpen = await Promise.race([othersStream.ended.then(() => false), new Promise((r) => setTimeout(() => r(true), 500))]);
    expect(stillOpen).toBe(true);
    await othersStream.cancel();

    const listed = (await api.call('GET', '/api/v1/tokens')).body.find((t: any) => t.id === token.id);
    expect(listed.revokedAt).not.toBeNull();
    expect((await api.call('GET', '/api/v1/users')).body.find((u: any) => u.username === 'frank').disabledAt).not.toBeNull();
    const audit = await api.db.query(`SELECT actor, target FROM audit_log WHERE action = 'user.disable'`);
    expect(audit).toEqual([{ actor: 'token:test-admin', target: 'frank' }]);
  });

  it('a token of a disabled user never lets anyone in, even where its revocation was skipped', async () => {
    const judy = await newUser('judy', 'admin');
    const made = await as({ cookie: judy.cookie, 'x-csrf-token': judy.csrf }, 'POST', '/api/v1/tokens', {
      name: 'judy-ci',
      role: 'operator',
    });
    expect(made.status).toBe(201);
    expect((await as(bearer(made.body.token), 'GET', '/api/v1/auth/me')).status).toBe(200);
    // Disabled behind the use case's back: the token itself is left unrevoked.
    await api.db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [judy.id]);
    expect((await api.db.query(`SELECT revoked_at FROM api_tokens WHERE name = 'judy-ci'`))[0].revoked_at).toBeNull();
    await pastTheCredentialCache();
    expect((await as(bearer(made.body.token), 'GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await as(bearer(made.body.token), 'POST', '/api/v1/clusters', { name: 'by-a-disabled-user', cni: 'calico' })).status).toBe(401);
  });

  it('revoking a token ends its open event stream within seconds', async () => {
    const made = (await api.call('POST', '/api/v1/tokens', { body: { name: 'watcher', role: 'viewer' } })).body;
    const stream = await openStream(bearer(made.token));
    expect((await api.call('DELETE', `/api/v1/tokens/${made.id}`)).status).toBe(204);
    const revokedAt = Date.now();
    const { text, endedAt } = await stream.ended;
    expect(endedAt - revokedAt).toBeLessThan(5000);
    expect(text).toMatch(/event: end\ndata: .*auth\.invalid_token/);
  });

  it("signing out ends the session's open event stream", async () => {
    const session = await signInFrom('127.0.0.1', api.url, 'viewer-user', USER_PASSWORD);
    const stream = await openStream({ cookie: session.cookie });
    expect((await as({ cookie: session.cookie, 'x-csrf-token': session.body.csrfToken }, 'POST', '/api/v1/auth/logout')).status).toBe(204);
    const closedAt = Date.now();
    expect((await stream.ended).endedAt - closedAt).toBeLessThan(5000);
  });

  it('refuses to disable the last enabled admin', async () => {
    await newUser('gina', 'admin');
    const users = (await api.call('GET', '/api/v1/users')).body;
    const others = users.filter((u: any) => u.role === 'admin' && !u.disabledAt && u.username !== 'admin-user');
    for (const admin of others) expect((await api.call('POST', `/api/v1/users/${admin.id}/disable`)).status).toBe(200);
    const last = users.find((u: any) => u.username === 'admin-user');
    const refused = await api.call('POST', `/api/v1/users/${last.id}/disable`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('user.last_admin');
    expect((await api.call('GET', '/api/v1/users')).body.find((u: any) => u.username === 'admin-user').disabledAt).toBeNull();
  });

  it('only an admin disables users', async () => {
    const victim = (await api.call('GET', '/api/v1/users')).body.find((u: any) => u.username === 'viewer-user');
    expect((await api.call('POST', `/api/v1/users/${victim.id}/disable`, { role: 'operator' })).status).toBe(403);
    expect((await api.call('POST', '/api/v1/users/00000000-0000-4000-8000-000000000000/disable')).status).toBe(404);
  });
});

describe('names that hide what they say', () => {
  const hidden = {
    'right-to-left override U+202E': 'ci\u202Egpj.exe',
    'left-to-right embedding U+202A': '\u202Aci',
    'pop directional formatting U+202C': 'ci\u202C',
    'right-to-left isolate U+2067': 'ci\u2067x',
    'pop directional isolate U+2069': 'ci\u2069',
    'zero-width space U+200B': 'ad\u200Bmin',
    'zero-width joiner U+200D': 'ad\u200Dmin',
    'right-to-left mark U+200F': 'ci\u200F',
    'byte-order mark U+FEFF': '\uFEFFci',
    'soft hyphen U+00AD (format)': 'ad\u00ADmin',
    'word joiner U+2060 (format)': 'ad\u2060min',
    'tag character U+E0041 (format)': 'ci\u{E0041}',
  };

  it.each(Object.entries(hidden))('a token name with a %s: 400 naming body.name, nothing made', async (_what, name) => {
    const res = await api.call('POST', '/api/v1/tokens', { body: { name, role: 'viewer' } });
    expect(res.status).toBe(400);
    expect(res.body.problems.map((p: any) => p.field)).toEqual(['body.name']);
    expect((await api.db.query(`SELECT 1 FROM api_tokens WHERE name = $1`, [name])).length).toBe(0);
  });

  it.each(Object.entries(hidden))('a user name with a %s: 400 naming body.username, nothing made', async (_what, username) => {
    const res = await api.call('POST', '/api/v1/users', { body: { username, password: USER_PASSWORD, role: 'viewer' } });
    expect(res.status).toBe(400);
    expect(res.body.problems.map((p: any) => p.field)).toEqual(['body.username']);
    expect((await api.db.query(`SELECT 1 FROM users WHERE username = $1`, [username])).length).toBe(0);
  });

  it('a token name in any script, without hidden characters, is fine', async () => {
    expect((await api.call('POST', '/api/v1/tokens', { body: { name: 'déploiement — שלום', role: 'viewer' } })).status).toBe(201);
  });
});
