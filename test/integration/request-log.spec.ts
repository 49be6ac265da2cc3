import { QUEUE_BOARD_PATH } from '../../apps/api/src/queues/queues.module';
import { type Harness, startApi } from './support/harness';

/**
 * The request log: one line per request, `{"msg":"request", method, path, status, ms, ...}` with an
 * ISO time, carrying the request id that the answer (and an error's body) carries, and none of the
 * credentials the request came with.
 */
let api: Harness;
const lines: string[] = [];

beforeAll(async () => {
  api = await startApi({ LOG_LEVEL: 'info' }, { log: (line) => void lines.push(line) });
}, 60000);
afterAll(() => api.close());

interface RequestLine {
  level: string;
  time: string;
  msg: string;
  requestId: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  caller?: string;
}

const lineOf = (requestId: string) =>
  api.waitFor(
    async () =>
      lines.map((line) => JSON.parse(line) as RequestLine).find((entry) => entry.msg === 'request' && entry.requestId === requestId),
    (entry) => entry !== undefined,
    5000,
  ) as Promise<RequestLine>;

describe('the request log', () => {
  it('writes one line per request with its id, method, path without the query, status, time taken and caller', async () => {
    const res = await api.call('GET', '/api/v1/clusters?limit=5', { role: 'viewer' });
    expect(res.status).toBe(200);
    const entry = await lineOf(res.headers.get('x-request-id')!);
    expect(entry).toMatchObject({ level: 'info', method: 'GET', path: '/api/v1/clusters', status: 200, caller: 'test-viewer' });
    expect(entry.ms).toBeGreaterThanOrEqual(0);
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
    expect(lines.filter((line) => line.includes(`"requestId":"${entry.requestId}"`) && line.includes('"msg":"request"'))).toHaveLength(1);
  });

  it.each([
    ['a route that refuses the caller', 'POST', '/api/v1/clusters', 'viewer', 403],
    ['a missing route', 'GET', '/api/v1/nothing-here', 'viewer', 404],
    ['the queue board refusing a stranger', 'GET', `${QUEUE_BOARD_PATH}/api/queues`, null, 401],
    ['metrics refusing a stranger', 'GET', '/metrics', null, 401],
  ] as const)('logs %s under the request id its error answer carries', async (_, method, path, role, status) => {
    const res = await api.call(method, path, { role, body: method === 'POST' ? {} : undefined });
    expect(res.status).toBe(status);
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    if (path === '/metrics') return; // /metrics is counted, never logged: a scraper would fill the log
    expect(await lineOf(res.body.requestId)).toMatchObject({ method, path, status });
  });

  it('keeps the request id a client sends when it is a plain token, and makes one up otherwise', async () => {
    const kept = await api.call('GET', '/api/v1/nothing-here', { role: 'viewer', headers: { 'x-request-id': 'client-chosen.id_1' } });
    expect(kept.body.requestId).toBe('client-chosen.id_1');
    const replaced = await api.call('GET', '/api/v1/nothing-here', { role: 'viewer', headers: { 'x-request-id': 'two words' } });
    expect(replaced.body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await lineOf(replaced.body.requestId)).toMatchObject({ status: 404 });
  });

  it('never holds the token, password or session cookie a request carried', async () => {
    const password = 'log-spec-password-Zq81';
    await api.call('POST', '/api/v1/auth/login', { role: null, body: { username: 'admin-user', password } });
    const cookie = 'bh_session=log-spec-session-cookie-Xk2';
    await api.call('GET', '/api/v1/clusters', { role: null, headers: { cookie } });
    await api.call('GET', `${QUEUE_BOARD_PATH}/api/queues`, { role: 'admin' });
    await api.waitFor(
      async () => lines.length,
      () => lines.some((line) => line.includes(`"path":"${QUEUE_BOARD_PATH}/api/queues"`)),
      5000,
    );
    const log = lines.join('\n');
    for (const secret of [password, 'log-spec-session-cookie-Xk2', ...Object.values(api.tokens)]) expect(log).not.toContain(secret);
  });
});
