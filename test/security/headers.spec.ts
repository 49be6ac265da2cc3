import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';
import { ensureDashboardBuilt } from '../e2e/support/browser';

/**
 * Issue 11, finding 8: no security headers. Every answer (the dashboard, the API, its docs) now
 * carries a Content-Security-Policy with frame-ancestors 'none', nosniff, a Referrer-Policy and no
 * X-Powered-By; HSTS and the session cookie's Secure flag follow TLS, seen directly or reported by a
 * proxy that BULKHEAD_TRUST_PROXY names, and by no one else.
 */
type Directives = Record<string, string[]>;

function policyOf(headers: Headers): Directives {
  const csp = headers.get('content-security-policy') ?? '';
  return Object.fromEntries(
    csp
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

function expectHardened(headers: Headers): void {
  const policy = policyOf(headers);
  expect(policy['default-src']).toEqual(["'self'"]);
  expect(policy['script-src']).toEqual(["'self'"]);
  expect(policy['object-src']).toEqual(["'none'"]);
  expect(policy['frame-ancestors']).toEqual(["'none'"]);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('x-powered-by')).toBeNull();
}

const signIn = (api: Harness, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'viewer-user', password: USER_PASSWORD }),
  });

describe('on a plain connection, with no proxy trusted', () => {
  let api: Harness;
  beforeAll(async () => {
    ensureDashboardBuilt();
    api = await startApi();
  });
  afterAll(() => api.close());

  it('hardens the dashboard page, with a policy that allows no inline style or script', async () => {
    const page = await fetch(`${api.url}/rollouts`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expectHardened(page.headers);
    expect(policyOf(page.headers)['style-src']).toEqual(["'self'"]);
    expect(page.headers.get('strict-transport-security')).toBeNull();
  });

  it('the built dashboard fits that policy: no inline script, style or handler, every file from the same origin', async () => {
    const html = readFileSync(join(__dirname, '../../dist/apps/dashboard/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/[^/]/);
      expect(content?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]+)"/g)) expect(url).toMatch(/^(\/[^/]|data:image\/)/);
    const script = scripts[0]?.[1]?.match(/src="([^"]+)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${api.url}${script}`);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expectHardened(asset.headers);
  });

  it('hardens API answers, refusals included', async () => {
    const listed = await api.call('GET', '/api/v1/clusters', { role: 'viewer' });
    expect(listed.status).toBe(200);
    expectHardened(listed.headers);
    const refused = await api.call('POST', '/api/v1/clusters', { role: null, body: {} });
    expect(refused.status).toBe(401);
    expectHardened(refused.headers);
  });

  it('relaxes only style-src, and only on the API docs, for Swagger UI inline styles; its scripts are files', async () => {
    const docs = await api.call('GET', '/api/docs', { role: 'viewer' });
    expect(docs.status).toBe(200);
    expectHardened(docs.headers);
    expect(policyOf(docs.headers)['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    for (const [, attributes, content] of String(docs.body).matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(attributes).toMatch(/\bsrc="/);
      expect(content?.trim()).toBe('');
    }
  });

  it('ignores X-Forwarded-Proto from a peer it does not trust: no HSTS, no Secure cookie', async () => {
    const spoofed = await api.call('GET', '/api/v1/clusters', { role: 'viewer', headers: { 'x-forwarded-proto': 'https' } });
    expect(spoofed.headers.get('strict-transport-security')).toBeNull();
    const session = await signIn(api, { 'x-forwarded-proto': 'https' });
    expect(session.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });
});

describe('behind a TLS proxy on the loopback (BULKHEAD_TRUST_PROXY=loopback)', () => {
  let api: Harness;
  const logLines: string[] = [];
  beforeAll(async () => {
    // The request log is kept here to be read, not printed.
    api = await startApi({ BULKHEAD_TRUST_PROXY: 'loopback', LOG_LEVEL: 'info' }, { log: (line) => void logLines.push(line) });
  });
  afterAll(() => api.close());

  it('sends HSTS and a Secure session cookie when the proxy says the client used TLS, and neither when not', async () => {
    const overTls = await api.call('GET', '/api/v1/clusters', { role: 'viewer', headers: { 'x-forwarded-proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expectHardened(overTls.headers);
    expect((await signIn(api, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toMatch(/;\s*Secure/);

    const plain = await api.call('GET', '/api/v1/clusters', { role: 'viewer' });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect((await signIn(api)).headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });

  it('logs the client address the proxy reports', async () => {
    await api.call('GET', '/api/v1/clusters', {
      role: 'viewer',
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'forwarded-client' },
    });
    const logged = await api.waitFor(
      async () => logLines.map((line) => JSON.parse(line)).find((entry) => entry.requestId === 'forwarded-client'),
      (entry) => entry !== undefined,
      2000,
    );
    expect(logged).toMatchObject({ msg: 'request', client: '203.0.113.7' });
  });
});
