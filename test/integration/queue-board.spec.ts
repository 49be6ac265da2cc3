import { QUEUES, type Role } from '@bulkhead/contracts';
import { QUEUE_BOARD_PATH } from '../../apps/api/src/queues/queues.module';
import { type Harness, startApi, USER_PASSWORD } from './support/harness';

/**
 * The queue board (bull-board at /api/admin/queues) shows this install's queues, under its prefix, to
 * admins alone: its page and its own API, which can retry and remove jobs, refuse everyone else.
 */
let api: Harness;
const JOB_ID = 'queue-board-test';

beforeAll(async () => {
  api = await startApi();
  // Delayed by an hour: nothing runs it while the test looks at it.
  await api.runtime.queues
    .get(QUEUES.imports)!
    .add('flow-import.run', { v: 1, importId: '00000000-0000-4000-8000-000000000000' }, { jobId: JOB_ID, delay: 3_600_000 });
}, 60000);
afterAll(() => api.close());

const board = (method: string, path: string, role: Role | null, headers: Record<string, string> = {}) =>
  api.call(method, `${QUEUE_BOARD_PATH}${path}`, { role, headers });
const delayedImports = async () =>
  (await board('GET', `/api/queues?activeQueue=${QUEUES.imports}&status=delayed`, 'admin')).body.queues.find(
    (q: { name: string }) => q.name === QUEUES.imports,
  );

async function signIn(role: Role): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`${api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `${role}-user`, password: USER_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
}

describe('the queue board', () => {
  it("shows an admin its page and this install's queues with the jobs under its prefix", async () => {
    const page = await board('GET', '', 'admin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const script = /src="(static\/js\/main\.[0-9a-f]+\.js)"/.exec(page.body)![1];
    expect((await board('GET', `/${script}`, 'admin')).status).toBe(200);
    expect((await board('GET', `/${script}`, 'viewer')).status).toBe(403);
    const listed = await board('GET', '/api/queues', 'admin');
    expect(listed.status).toBe(200);
    expect(listed.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
    const imports = await delayedImports();
    expect(imports.counts.delayed).toBe(1);
    expect(imports.jobs.map((j: { id: string }) => j.id)).toEqual([JOB_ID]);
    expect(imports.description).toBe(`prefix ${api.queuePrefix}`);
  });

  it.each(['viewer', 'operator', 'approver'] as const)('refuses the %s role its page and its API (403)', async (role) => {
    for (const path of ['', '/api/queues']) {
      const res = await board('GET', path, role);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'auth.role_required', requestId: res.headers.get('x-request-id') });
    }
  });

  it('refuses a caller without a token (401), however the path is spelled', async () => {
    for (const path of [
      '/api/admin/queues',
      '/api/admin/queues/api/queues',
      '/API/Admin/Queues/api/queues',
      '/api/admin/queues/api/queues/',
      '/api/admin/queues;/api/queues',
      '/api/admin/queues/%61pi/queues',
    ]) {
      const res = await api.call('GET', path, { role: null });
      expect([401, 404]).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain(QUEUES.imports);
    }
    expect((await board('GET', '/api/queues', null)).status).toBe(401);
  });

  it('refuses a change by a role below admin, and the job stays', async () => {
    for (const role of ['viewer', 'operator', 'approver'] as const) {
      expect((await board('PUT', `/api/queues/${QUEUES.imports}/${JOB_ID}/clean`, role)).status).toBe(403);
      expect((await board('PUT', `/api/queues/${QUEUES.imports}/clean/delayed`, role)).status).toBe(403);
    }
    expect((await board('PUT', `/api/queues/${QUEUES.imports}/${JOB_ID}/clean`, null)).status).toBe(401);
    expect((await delayedImports()).counts.delayed).toBe(1);
    const refused = await api.waitFor(
      async () =>
        (await api.call('GET', '/api/v1/audit?action=auth.refused&actor=token:test-operator', { role: 'admin' })).body.items as Array<{
          details: { path: string; code: string };
        }>,
      (entries) => entries.length >= 2,
    );
    expect(refused.map((e) => [e.details.path, e.details.code]).sort()).toEqual([
      [`${QUEUE_BOARD_PATH}/api/queues/${QUEUES.imports}/clean/delayed`, 'auth.role_required'],
      [`${QUEUE_BOARD_PATH}/api/queues/${QUEUES.imports}/${JOB_ID}/clean`, 'auth.role_required'],
    ]);
  });

  it('lets an admin session read, refuses its changes without the CSRF header and takes them with it', async () => {
    const session = await signIn('admin');
    const asSession = (method: string, path: string, headers: Record<string, string> = {}) =>
      board(method, path, null, { cookie: session.cookie, ...headers });
    expect((await asSession('GET', '/api/queues')).status).toBe(200);
    const forged = await asSession('PUT', `/api/queues/${QUEUES.imports}/${JOB_ID}/clean`);
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('auth.csrf');
    expect((await delayedImports()).counts.delayed).toBe(1);

    const operator = await signIn('operator');
    expect(
      (
        await board('PUT', `/api/queues/${QUEUES.imports}/${JOB_ID}/clean`, null, {
          cookie: operator.cookie,
          'x-csrf-token': operator.csrfToken,
        })
      ).status,
    ).toBe(403);

    expect((await asSession('PUT', `/api/queues/${QUEUES.imports}/${JOB_ID}/clean`, { 'x-csrf-token': session.csrfToken })).status).toBe(
      204,
    );
    expect((await delayedImports()).counts.delayed).toBe(0);
  });

  it("gives an admin session its CSRF token in the cookie the board's page sends back as X-XSRF-TOKEN, and takes changes with it", async () => {
    const session = await signIn('admin');
    const page = await board('GET', '', null, { cookie: session.cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBe(
      `XSRF-TOKEN=${encodeURIComponent(session.csrfToken)}; Path=${QUEUE_BOARD_PATH}; SameSite=Strict`,
    );
    expect((await board('GET', '', 'admin')).headers.get('set-cookie')).toBeNull();

    const jobId = `${JOB_ID}-xsrf`;
    await api.runtime.queues
      .get(QUEUES.imports)!
      .add('flow-import.run', { v: 1, importId: '00000000-0000-4000-8000-000000000001' }, { jobId, delay: 3_600_000 });
    const clean = (headers: Record<string, string>) =>
      board('PUT', `/api/queues/${QUEUES.imports}/${jobId}/clean`, null, { cookie: session.cookie, ...headers });
    expect((await clean({ 'x-xsrf-token': 'not-the-token' })).body.code).toBe('auth.csrf');
    const operator = await signIn('operator');
    expect(
      (
        await board('PUT', `/api/queues/${QUEUES.imports}/${jobId}/clean`, null, {
          cookie: operator.cookie,
          'x-xsrf-token': operator.csrfToken,
        })
      ).status,
    ).toBe(403);
    expect((await delayedImports()).counts.delayed).toBe(1);
    expect((await clean({ 'x-xsrf-token': session.csrfToken })).status).toBe(204);
    expect((await delayedImports()).counts.delayed).toBe(0);
  });

  it('writes each change made through the board to the audit log, under the admin who made it, and no refused one', async () => {
    const entries = async () =>
      (await api.call('GET', '/api/v1/audit?action=queue.change', { role: 'admin' })).body.items as Array<{
        actor: string;
        target: string;
        details: { method: string; status: number };
      }>;
    // The two cleans of the tests above that succeeded, by the admin's sessions; the refused ones are not changes.
    const audited = await api.waitFor(entries, (found) => found.length >= 2);
    expect(audited.map(({ actor, target, details }) => [actor, target, details.method, details.status])).toEqual([
      ['user:admin-user', `${QUEUE_BOARD_PATH}/api/queues/${QUEUES.imports}/${JOB_ID}-xsrf/clean`, 'PUT', 204],
      ['user:admin-user', `${QUEUE_BOARD_PATH}/api/queues/${QUEUES.imports}/${JOB_ID}/clean`, 'PUT', 204],
    ]);
  });
});
