import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';
import { signInFrom } from './support/from-address';

/**
 * Review of issue 11: the last enabled admin cannot be disabled, but the check read the admins before
 * the disabling transaction, so two admins who disabled each other at the same moment both passed
 * it and left nobody to manage Bulkhead. The admins are now locked while one disable is decided, and
 * demoting or removing an admin is decided under the same lock.
 */
let api: Harness;
// An API of its own for each race: the harness's admin, whose token makes the users, is disabled in each.
beforeEach(async () => {
  api = await startApi();
});
afterEach(() => api.close());

async function signedInAdmin(username: string) {
  const created = await api.call('POST', '/api/v1/users', { body: { username, password: USER_PASSWORD, role: 'admin' } });
  expect(created.status).toBe(201);
  const session = await signInFrom('127.0.0.1', api.url, username, USER_PASSWORD);
  expect(session.status).toBe(200);
  const call = (method: string, path: string, body: unknown = {}) =>
    api.call(method, path, { role: null, headers: { cookie: session.cookie, 'x-csrf-token': session.body.csrfToken }, body });
  return {
    id: created.body.id as string,
    disable: (id: string) => call('POST', `/api/v1/users/${id}/disable`),
    demote: (id: string) => call('PATCH', `/api/v1/users/${id}`, { role: 'operator' }),
    remove: (id: string) => call('DELETE', `/api/v1/users/${id}`, undefined),
  };
}

const enabledAdmins = async () =>
  (await api.db.query(`SELECT username FROM users WHERE role = 'admin' AND disabled_at IS NULL`)).map(
    (row: { username: string }) => row.username,
  );

/** Two new admins, and every other admin disabled: the two are the last. */
async function lastTwoAdmins(first: string, second: string) {
  const a = await signedInAdmin(first);
  const b = await signedInAdmin(second);
  for (const username of await enabledAdmins()) {
    if (username === first || username === second) continue;
    const [other] = await api.db.query(`SELECT id FROM users WHERE username = $1`, [username]);
    expect((await a.disable(other.id)).status).toBe(200);
  }
  expect((await enabledAdmins()).sort()).toEqual([first, second].sort());
  return [a, b] as const;
}

it('two admins who disable each other at once leave one admin enabled', async () => {
  const [hana, ivan] = await lastTwoAdmins('hana', 'ivan');

  const answers = await Promise.all([hana.disable(ivan.id), ivan.disable(hana.id)]);
  // The one who loses is refused as the last admin, or, when the other's disable lands before their own
  // request is signed in, no longer signed in at all: a disabled user's session ends at once.
  const [won, lost] = [...answers].sort((x, y) => x.status - y.status);
  expect(won?.status).toBe(200);
  if (lost?.status === 409) expect(lost.body.code).toBe('user.last_admin');
  else expect(lost?.status).toBe(401);
  expect(await enabledAdmins()).toHaveLength(1);
});

it('two admins who demote and remove each other at once leave one admin enabled', async () => {
  const [kim, lee] = await lastTwoAdmins('kim', 'lee');
  const answers = await Promise.all([kim.demote(lee.id), lee.remove(kim.id)]);
  // One goes through. The other is refused: by the lock (409 user.last_admin) when both got past the
  // edge together, or at the edge (401 removed, 403 demoted) when it came after.
  expect(answers.filter((answer) => answer.status === 200 || answer.status === 204)).toHaveLength(1);
  expect(answers.filter((answer) => [401, 403, 409].includes(answer.status))).toHaveLength(1);
  expect(await enabledAdmins()).toHaveLength(1);
});
