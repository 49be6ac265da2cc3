import { createLogger, UploadStorage } from '@bulkhead/platform';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { seedDemo } from '../../apps/api/src/demo/seed-demo';
import { FLOW_IMPORT_DEPS, INVENTORY_DEPS } from '../../apps/api/src/stores.providers';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real API
 * on real PostgreSQL and Redis, with the demo cluster seeded and its flows imported by the worker.
 */
const root = join(__dirname, '..', '..');
const dashboardDir = join(root, 'dist', 'apps', 'dashboard');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let api: Harness;
let clusterId: string;
let baseUrl: string;
let proxy: Server | undefined;
let profile: string;
let context: BrowserContext;
let page: Page;

/** Serves the built dashboard and forwards the API's paths: only used when the API does not serve the dashboard itself. */
async function serveDashboardWithProxy(apiUrl: string): Promise<{ server: Server; url: string }> {
  const target = new URL(apiUrl);
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (/^\/(api|healthz|readyz|metrics)(\/|$)/.test(path)) {
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    let file = normalize(join(dashboardDir, path));
    const isFile = file.startsWith(dashboardDir) && (await stat(file).then((s) => s.isFile(), () => false));
    if (!isFile) file = join(dashboardDir, 'index.html');
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}` };
}

async function signIn(username: string, password = USER_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const edgeRow = (from: string, to: string) => page.locator(`tr.edge-row[data-from="${from}"][data-to="${to}"]`);

beforeAll(async () => {
  if (!existsSync(join(dashboardDir, 'index.html'))) {
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/dashboard/vite.config.mts', '--logLevel', 'error'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the dashboard does not build:\n${build.stderr}${build.stdout}`);
  }
  api = await startApi({}, { worker: true });
  // Seeded the way test/integration/demo-seed.spec.ts does it.
  const deps = { ...api.app.get(INVENTORY_DEPS), ...api.app.get(FLOW_IMPORT_DEPS), sealer: api.runtime.secrets };
  clusterId = (await seedDemo(deps, api.db, new UploadStorage(join(api.config.dataDir, 'uploads')), new Date(), createLogger('silent')))!;
  const imports = await api.call('GET', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'viewer' });
  await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${imports.body[0].id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded',
    30000,
  );

  // The API serves dist/apps/dashboard at `/` when it is built; otherwise put a static server in front.
  const home = await fetch(`${api.url}/`, { headers: { accept: 'text/html' } });
  const servedByApi = home.ok && (home.headers.get('content-type') ?? '').includes('text/html');
  if (servedByApi) baseUrl = api.url;
  else ({ server: proxy, url: baseUrl } = await serveDashboardWithProxy(api.url));

  profile = await mkdtemp(join(tmpdir(), 'bulkhead-e2e-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(10000);
}, 120000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  await api?.close();
}, 30000);

beforeEach(async () => {
  await context.clearCookies();
  page = await context.newPage();
});
afterEach(() => page?.close());

describe('the dashboard, signed in as an operator', () => {
  it('lists demo-flat on the overview with its CNI and its namespaces by tier', async () => {
    await signIn('operator-user');
    const card = page.getByTestId('cluster-card').filter({ hasText: 'demo-flat' });
    await card.waitFor();
    await expect(card.getByText('Cilium · enforces NetworkPolicy').isVisible()).resolves.toBe(true);
    await card.locator('.tiers').waitFor();
    expect(await card.locator('.tier-prod .ns-row').count()).toBeGreaterThanOrEqual(7);
    expect(await card.locator('.ns-row', { hasText: 'postgres-prod' }).textContent()).toContain('unprotected');
  });

  it('draws the dev pod reaching the production database as a red cross-tier line', async () => {
    await signIn('operator-user');
    await page.getByTestId('cluster-card').getByRole('link', { name: 'Open dependency map' }).click();
    await page.getByTestId('dependency-graph').waitFor();
    const line = page.locator('path.link[data-from="orders-dev/orders-debug"][data-to="postgres-prod/postgres"]');
    expect(await line.getAttribute('data-style')).toBe('cross-tier');
    // The root tsconfig has no DOM library: the page's window is reached through globalThis.
    expect(await line.evaluate((el) => (globalThis as any).getComputedStyle(el).stroke)).toBe('rgb(224, 49, 49)');
    await expect(edgeRow('orders-dev/orders-debug', 'postgres-prod/postgres').getAttribute('class')).resolves.toContain('cross-tier');
    await expect(page.getByRole('note').filter({ hasText: '1 cross-tier dependency' }).isVisible()).resolves.toBe(true);
  });

  it('rejects an edge with a comment and shows its new state', async () => {
    await signIn('operator-user');
    await page.getByTestId('cluster-card').waitFor();
    await page.goto(`${baseUrl}/clusters/${clusterId}/map?namespace=orders-dev`);
    const row = edgeRow('orders-dev/orders-debug', 'postgres-prod/postgres');
    await row.getByRole('button', { name: 'Reject' }).click();
    await page.getByLabel(/Why should this dependency not be allowed/).fill('debug pod left over from the incident');
    await page.getByRole('button', { name: 'Reject dependency' }).click();
    await page.locator('tr.edge-row[data-review="rejected"][data-from="orders-dev/orders-debug"]').waitFor();
    expect(await row.textContent()).toContain('by operator-user: “debug pod left over from the incident”');
    const stored = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?namespace=orders-dev`, { role: 'viewer' })).body.find((e: any) => e.to === 'postgres-prod/postgres');
    expect(stored).toMatchObject({ review: 'rejected', reviewedBy: expect.stringContaining('operator-user'), reviewComment: 'debug pod left over from the incident' });
    // A rejected edge is no longer an open incident: it is drawn dotted, not red.
    expect(await page.locator('path.link[data-from="orders-dev/orders-debug"][data-to="postgres-prod/postgres"]').getAttribute('data-style')).toBe('rejected');
  });

  it('shows why a declared dependency is refused next to the field at fault', async () => {
    await signIn('operator-user');
    await page.getByTestId('cluster-card').waitFor();
    await page.goto(`${baseUrl}/clusters/${clusterId}/map`);
    await page.getByRole('button', { name: 'Declare dependency' }).click();
    await page.locator('#edge-from').fill('nowhere/nothing');
    await page.locator('#edge-to').fill('payments-prod/payments-api');
    await page.locator('#edge-port').fill('8080');
    await page.getByRole('button', { name: 'Add dependency' }).click();
    const problem = page.locator('#edge-from-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('"nowhere/nothing" is not in the cluster\'s inventory');
    expect(await page.locator('#edge-to-problem').count()).toBe(0);
  });
});

describe('flow imports in the dashboard', () => {
  it('lets an operator upload an edge list and follows its import until it succeeds', async () => {
    await signIn('operator-user');
    await page.getByTestId('cluster-card').waitFor();
    await page.goto(`${baseUrl}/clusters/${clusterId}/flow-imports`);
    await page.getByTestId('flow-import').first().waitFor();
    const lines = [
      { from: 'orders-prod/orders-api', to: 'payments-prod/payments-api', port: 8080, protocol: 'TCP' },
      { from: 'orders-prod/orders-api', to: 'nope', port: 80 },
    ];
    await page.getByLabel('Flow file to upload').setInputFiles({ name: 'e2e-edges.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')) });
    // The card appears at once (queued or running) and is polled every second until the worker is done.
    const card = page.getByTestId('flow-import').filter({ hasText: 'e2e-edges.jsonl' });
    await card.waitFor();
    await page.locator('[data-testid="flow-import"][data-status="succeeded"]', { hasText: 'e2e-edges.jsonl' }).waitFor({ timeout: 30000 });
    expect(await card.textContent()).toContain('Skipped because: invalid-endpoint · 1 flow');
  });
});

describe('the dashboard, signed in as a viewer', () => {
  it('offers no confirm, reject, declare or upload, and no user management', async () => {
    await signIn('viewer-user');
    await page.getByTestId('cluster-card').waitFor();
    await page.goto(`${baseUrl}/clusters/${clusterId}/map`);
    await page.getByTestId('edge-table').waitFor();
    expect(await page.getByRole('button', { name: /^(Confirm|Reject|Declare dependency)$/ }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.goto(`${baseUrl}/clusters/${clusterId}/flow-imports`);
    await page.getByTestId('flow-import').first().waitFor();
    expect(await page.getByText('Upload observed traffic').count()).toBe(0);
  });

  it('is refused by the API when it tries anyway, cookie and CSRF token in hand', async () => {
    await signIn('viewer-user');
    await page.getByTestId('cluster-card').waitFor();
    const edgeId = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer' })).body[0].id;
    const answer = await page.evaluate(
      async ({ clusterId, edgeId }) => {
        const me = (await (await fetch('/api/v1/auth/me')).json()) as any;
        const res = await fetch(`/api/v1/clusters/${clusterId}/edges/${edgeId}/confirm`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: '{}' });
        return { status: res.status, body: (await res.json()) as any, csrf: me.csrfToken as string };
      },
      { clusterId, edgeId },
    );
    expect(answer.csrf).toMatch(/^bh_/);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('auth.role_required');
  });
});

describe('signing in', () => {
  it('says in words that a wrong password does not match, and lets nobody in', async () => {
    await signIn('operator-user', 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('That user name and password do not match. Check both and try again.');
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    expect((await context.cookies()).some((c) => c.name === 'bh_session')).toBe(false);
  });

  it('shows admins the users page', async () => {
    await signIn('admin-user');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('cell', { name: 'operator-user' }).waitFor();
    expect(await page.getByRole('cell', { name: 'viewer-user' }).count()).toBe(1);
  });
});
