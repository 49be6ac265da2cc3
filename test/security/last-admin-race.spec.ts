import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';
import { signInFrom } from './support/from-address';

/**
 * Review of issue 11: the last enabled admin cannot be disabled, but the check read the admins before
 * the disabling transaction, so two admins who disabled each other at the same moment both passed
 * it and left nobody to manage Bulkhead. The admins are now locked while one disable is decided.
 */
let api: Harness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

async function signedInAdmin(username: string) {
  const created = await api.call('POST', '/api/v1/users', { body: { username, password: USER_PASSWORD, role: 'admin' } });
  expect(created.status).toBe(201);
  const session = await signInFrom('127.0.0.1', api.url, username, USER_PASSWORD);
  expect(session.status).toBe(200);
  const disable = (id: string) =>
    api.call('POST', `/api/v1/users/${id}/disable`, {
      role: null,
      headers: { cookie: session.cookie, 'x-csrf-token': session.body.csrfToken },
      body: {},
    });
  return { id: created.body.id as string, disable };
}

const enabledAdmins = async () =>
  (await api.db.query(`SELECT username FROM users WHERE role = 'admin' AND disabled_at IS NULL`)).map(
    (row: { username: string }) => row.username,
  );

it('two admins who disable each other at once leave one admin enabled', async () => {
  const hana = await signedInAdmin('hana');
  const ivan = await signedInAdmin('ivan');
  for (const username of await enabledAdmins()) {
    if (username === 'hana' || username === 'ivan') continue;
    const [other] = await api.db.query(`SELECT id FROM users WHERE username = $1`, [username]);
    expect((await hana.disable(other.id)).status).toBe(200);
  }
  expect((await enabledAdmins()).sort()).toEqual(['hana', 'ivan']);

  const answers = await Promise.all([hana.disable(ivan.id), ivan.disable(hana.id)]);
  expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
  expect(answers.find((answer) => answer.status === 409)?.body.code).toBe('user.last_admin');
  expect(await enabledAdmins()).toHaveLength(1);
});
