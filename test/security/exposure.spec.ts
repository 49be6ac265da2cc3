import { connect } from 'node:net';
import { freePort } from '../support/ports';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';

/**
 * Issue 11, finding 10: /metrics and /api/docs answered anyone. Now both need a token or a session
 * (any role) unless configured open; /metrics can move to an address of its own, and the API docs
 * can be turned off. /healthz and /readyz stay open for probes.
 */
async function signInCookie(api: Harness): Promise<string> {
  const res = await fetch(`${api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'viewer-user', password: USER_PASSWORD }),
  });
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Sends raw bytes to an address and answers what came back before the server closed the connection. */
async function rawExchange(url: string, request: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.end(request);
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return received;
}

describe('by default', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('refuses /metrics without a token, and serves it to a viewer token or a signed-in user', async () => {
    const anonymous = await api.call('GET', '/metrics', { role: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('auth.missing_credentials');
    expect(JSON.stringify(anonymous.body)).not.toContain('bulkhead_');
    expect(
      (await api.call('GET', '/metrics', { role: null, headers: { authorization: 'Bearer bh_forged-token-of-some-length' } })).status,
    ).toBe(401);

    const scraped = await api.call('GET', '/metrics', { role: 'viewer' });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    expect(scraped.body).toContain('bulkhead_queue_jobs{queue="imports"');
    const bySession = await fetch(`${api.url}/metrics`, { headers: { cookie: await signInCookie(api) } });
    expect(bySession.status).toBe(200);
  });

  it('refuses the API docs and the OpenAPI document without a token, and serves them to anyone signed in', async () => {
    for (const path of ['/api/docs', '/api/docs/', '/api/docs/openapi.json', '/api/docs/swagger-ui-init.js']) {
      const anonymous = await api.call('GET', path, { role: null });
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    // No copy of the document elsewhere (Swagger's defaults: -json and -yaml beside the UI's path).
    for (const path of ['/api/docs-yaml', '/api/docs-json'])
      expect([path, (await api.call('GET', path, { role: null })).status]).toEqual([path, 404]);
    const doc = await api.call('GET', '/api/docs/openapi.json', { role: 'viewer' });
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toContain('/api/v1/clusters');
    const page = await fetch(`${api.url}/api/docs`, { headers: { cookie: await signInCookie(api) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });

  it('keeps /healthz and /readyz open for probes', async () => {
    expect((await api.call('GET', '/healthz', { role: null })).status).toBe(200);
    expect((await api.call('GET', '/readyz', { role: null })).status).toBe(200);
  });
});

describe('BULKHEAD_METRICS=public and BULKHEAD_API_DOCS=off', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi({ BULKHEAD_METRICS: 'public', BULKHEAD_API_DOCS: 'off' });
  });
  afterAll(() => api.close());

  it('serves /metrics to anyone', async () => {
    const scraped = await api.call('GET', '/metrics', { role: null });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('bulkhead_http_requests_total');
  });

  it('serves no API docs, not even to an admin', async () => {
    expect((await api.call('GET', '/api/docs', { role: 'admin' })).status).toBe(404);
    expect((await api.call('GET', '/api/docs/openapi.json', { role: 'admin' })).status).toBe(404);
  });
});

describe('BULKHEAD_METRICS_ADDRESS and BULKHEAD_API_DOCS=public', () => {
  let api: Harness;
  let metricsUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    api = await startApi({ BULKHEAD_METRICS_ADDRESS: `127.0.0.1:${port}`, BULKHEAD_API_DOCS: 'public' });
  });
  afterAll(() => api.close());

  it('serves /metrics on its own address only, without a token there', async () => {
    expect((await api.call('GET', '/metrics', { role: 'admin' })).status).toBe(404);
    const scraped = await fetch(`${metricsUrl}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('bulkhead_queue_jobs{queue="rollouts"');
    expect((await fetch(`${metricsUrl}/api/v1/clusters`)).status).toBe(404);
  });

  it('answers a request target that is no URL with a 4xx, and stays up', async () => {
    for (const target of ['http://[', 'http://[::1', '//[', 'http://a b', 'http://%zz']) {
      const answer = await rawExchange(metricsUrl, `GET ${target} HTTP/1.1\r\nHost: metrics\r\n\r\n`);
      expect([target, answer]).toEqual([target, expect.stringMatching(/^HTTP\/1\.1 4\d\d /)]);
    }
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(200);
    expect((await api.call('GET', '/healthz', { role: null })).status).toBe(200);
  });

  it('serves the API docs to anyone', async () => {
    expect((await api.call('GET', '/api/docs/openapi.json', { role: null })).status).toBe(200);
  });
});
