import type { BrowserContext, Page } from 'playwright-core';
import { type Harness, startApi, USER_PASSWORD } from '../integration/support/harness';
import { browserWithProfile, dashboardUrl, ensureDashboardBuilt, signIn as signInThrough } from './support/browser';

/**
 * Access on the dashboard's Access page, in a real browser against the real API: a token shown once
 * with a copy button, then revoked; a password reset that the user signs in with; a password changed
 * by its owner.
 */

let api: Harness;
let baseUrl: string;
let browser: Awaited<ReturnType<typeof browserWithProfile>> | undefined;
let context: BrowserContext;
let page: Page;

const signIn = (username: string, password = USER_PASSWORD) => signInThrough(page, baseUrl, username, password);

const meWith = (headers: Record<string, string>) => fetch(`${api.url}/api/v1/auth/me`, { headers }).then((res) => res.status);

beforeAll(async () => {
  ensureDashboardBuilt();
  api = await startApi();
  baseUrl = await dashboardUrl(api.url);
  browser = await browserWithProfile('bulkhead-e2e-access-');
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

describe('API tokens on the Access page', () => {
  it('creates a token shown once with a copy button, which works until it is revoked', async () => {
    await signIn('admin-user');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    await page.getByLabel('Name', { exact: true }).fill('e2e-pipeline');
    await page.locator('#new-token-role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('region', { name: 'Token e2e-pipeline' });
    await shown.waitFor();
    expect(await shown.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    const token = (await shown.getByTestId('shown-once-secret').textContent())!.trim();
    expect(token).toMatch(/^bh_/);
    expect(await meWith({ authorization: `Bearer ${token}` })).toBe(200);

    // Once dismissed, or once the page is read again, nothing shows it.
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByText(token).count()).toBe(0);
    await page.reload();
    const tokens = page.getByRole('table', { name: 'API tokens' });
    const row = tokens.getByRole('row').filter({ hasText: 'e2e-pipeline' });
    await row.waitFor();
    expect(await row.textContent()).toContain('admin-user');
    expect(await row.textContent()).toContain(token.slice(0, 8));
    expect(await page.content()).not.toContain(token);

    await row.getByRole('button', { name: 'Revoke e2e-pipeline' }).click();
    await row.getByText(/^revoked/).waitFor();
    expect(await meWith({ authorization: `Bearer ${token}` })).toBe(401);
  });
});

describe('users on the Access page', () => {
  it('resets a password, shown once, and the user signs in with it and then changes it', async () => {
    const created = await api.call('POST', '/api/v1/users', { body: { username: 'ivan', password: USER_PASSWORD, role: 'operator' } });
    expect(created.status).toBe(201);
    await signIn('admin-user');
    await page.goto(`${baseUrl}/access`);
    const row = page
      .getByRole('table', { name: 'Users' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'ivan', exact: true }) });
    await row.getByRole('button', { name: 'Reset password' }).click();
    const shown = page.getByRole('region', { name: 'New password for ivan' });
    await shown.waitFor();
    expect(await shown.getByRole('button', { name: 'Copy' }).isVisible()).toBe(true);
    const password = (await shown.getByTestId('shown-once-secret').textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(10);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await signIn('ivan', password);
    expect(await page.locator('.whoami-name').textContent()).toBe('ivan');

    await page.getByRole('link', { name: 'Change my password' }).click();
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password').fill('ivan picks his own now');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Your password has changed' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('ivan', 'ivan picks his own now');
  });

  it('removes a user after a confirmation, which ends their session', async () => {
    await api.call('POST', '/api/v1/users', { body: { username: 'judy', password: USER_PASSWORD, role: 'viewer' } });
    const login = await fetch(`${api.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'judy', password: USER_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(await meWith({ cookie })).toBe(200);
    await signIn('admin-user');
    await page.goto(`${baseUrl}/access`);
    const users = page.getByRole('table', { name: 'Users' });
    const row = users.getByRole('row').filter({ has: page.getByRole('cell', { name: 'judy', exact: true }) });
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Remove judy' }).click();
    await users.getByRole('cell', { name: 'judy', exact: true }).waitFor({ state: 'detached' });
    expect(await meWith({ cookie })).toBe(401);
  });
});
