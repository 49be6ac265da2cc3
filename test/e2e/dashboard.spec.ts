import type { BrowserContext, Page } from 'playwright-core';
import { type Harness, seedDemoCluster, startApi, USER_PASSWORD } from '../integration/support/harness';
import { browserWithProfile, dashboardUrl, ensureDashboardBuilt } from './support/browser';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against the real API
 * on real PostgreSQL and Redis, with the demo cluster seeded and its flows imported by the worker.
 */

let api: Harness;
let clusterId: string;
let baseUrl: string;
let browser: Awaited<ReturnType<typeof browserWithProfile>> | undefined;
let context: BrowserContext;
let page: Page;

async function signIn(username: string, password = USER_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const edgeRow = (from: string, to: string) => page.locator(`tr.edge-row[data-from="${from}"][data-to="${to}"]`);

beforeAll(async () => {
  ensureDashboardBuilt();
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api, new Date());

  baseUrl = await dashboardUrl(api.url);

  browser = await browserWithProfile('bulkhead-e2e-chromium-');
  context = browser.context;
}, 120000);

afterAll(async () => {
  await browser?.close();
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
    expect(await card.locator('.ns-row', { hasText: 'legacy-reporting' }).textContent()).toContain('has policies');
    // Coverage per namespace: the imported week, observed without a gap; a CronJob's namespace is fine after a week.
    const coverage = card.locator('.ns-row', { hasText: 'orders-prod' }).getByTestId('ns-coverage');
    await coverage.waitFor();
    expect(await coverage.textContent()).toMatch(/^observed [67] d/);
    expect(await coverage.getAttribute('title')).toMatch(/orders-weekly-report: last seen \d+ days ago/);
    expect(await card.locator('.tier-prod').getByTestId('tier-protection').textContent()).toMatch(
      /^\d+ unprotected · 0 partly protected · 0 under a verified plan$/,
    );
    expect(await card.locator('.blast-radius').textContent()).toContain('No plan yet');
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
    const stored = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?namespace=orders-dev`, { role: 'viewer' })).body.items.find(
      (e: any) => e.to === 'postgres-prod/postgres',
    );
    expect(stored).toMatchObject({
      review: 'rejected',
      reviewedBy: expect.stringContaining('operator-user'),
      reviewComment: 'debug pod left over from the incident',
    });
    // A rejected edge is no longer an open incident: it is drawn dotted, not red.
    expect(
      await page.locator('path.link[data-from="orders-dev/orders-debug"][data-to="postgres-prod/postgres"]').getAttribute('data-style'),
    ).toBe('rejected');
  });

  it('fits the dependency table, review buttons included, on a 1,280 px screen', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn('operator-user');
    await page.getByTestId('cluster-card').waitFor();
    await page.goto(`${baseUrl}/clusters/${clusterId}/map`);
    await page.getByTestId('edge-table').locator('tr.edge-row').first().waitFor();
    const fit = await page.getByTestId('edge-table').evaluate((table: any) => ({
      table: table.scrollWidth,
      room: table.parentElement.clientWidth,
      furthestButton: Math.max(...[...table.querySelectorAll('button')].map((b: any) => b.getBoundingClientRect().right)),
      viewport: (globalThis as any).innerWidth,
    }));
    expect(fit.table).toBeLessThanOrEqual(fit.room);
    expect(fit.furthestButton).toBeLessThanOrEqual(fit.viewport);
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
    await page.getByLabel('Flow file to upload').setInputFiles({
      name: 'e2e-edges.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')),
    });
    // The card appears at once (queued or running) and is polled every second until the worker is done.
    const card = page.getByTestId('flow-import').filter({ hasText: 'e2e-edges.jsonl' });
    await card.waitFor();
    await page.locator('[data-testid="flow-import"][data-status="succeeded"]', { hasText: 'e2e-edges.jsonl' }).waitFor({ timeout: 30000 });
    expect(await card.textContent()).toContain('Skipped because: invalid-endpoint · 1 flow');
  });
});

describe('the dashboard, signed in as a viewer', () => {
  it('offers no confirm, reject, declare or upload, and no access management', async () => {
    await signIn('viewer-user');
    await page.getByTestId('cluster-card').waitFor();
    await page.goto(`${baseUrl}/clusters/${clusterId}/map`);
    await page.getByTestId('edge-table').waitFor();
    expect(await page.getByRole('button', { name: /^(Confirm|Reject|Declare dependency)$/ }).count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).count()).toBe(0);
    await page.goto(`${baseUrl}/clusters/${clusterId}/flow-imports`);
    await page.getByTestId('flow-import').first().waitFor();
    expect(await page.getByText('Upload observed traffic').count()).toBe(0);
  });

  it('is refused by the API when it tries anyway, cookie and CSRF token in hand', async () => {
    await signIn('viewer-user');
    await page.getByTestId('cluster-card').waitFor();
    const edgeId = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer' })).body.items[0].id;
    const answer = await page.evaluate(
      async ({ clusterId, edgeId }) => {
        const me = (await (await fetch('/api/v1/auth/me')).json()) as any;
        const res = await fetch(`/api/v1/clusters/${clusterId}/edges/${edgeId}/confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: '{}',
        });
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

  it('shows admins the users on the access page', async () => {
    await signIn('admin-user');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('cell', { name: 'operator-user' }).waitFor();
    expect(await users.getByRole('cell', { name: 'viewer-user' }).count()).toBe(1);
  });

  it("lets an admin disable a user, after a confirmation, which ends that user's sessions", async () => {
    await api.call('POST', '/api/v1/users', { role: 'admin', body: { username: 'harry', password: USER_PASSWORD, role: 'admin' } });
    const harrysSession = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'harry', password: USER_PASSWORD }),
    });
    const cookie = (harrysSession.headers.get('set-cookie') ?? '').split(';')[0]!;
    await signIn('admin-user');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    const row = page
      .getByRole('table', { name: 'Users' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'harry', exact: true }) });
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('button', { name: 'Disable harry' }).click();
    await row.getByText(/^disabled/).waitFor();
    expect((await fetch(`${api.url}/api/v1/clusters`, { headers: { cookie } })).status).toBe(401);
  });
});
