import { type Browser, chromium } from 'playwright-core';
import { type Harness, seedDemoCluster, startApi, USER_PASSWORD } from '../integration/support/harness';
import { CHROMIUM, CHROMIUM_ARGS, dashboardUrl, ensureDashboardBuilt, VIEWPORT } from './support/browser';

/**
 * Aborting from the rollout page: the form says what a plain abort leaves enforced, offers "restore
 * everything" as one action, and the page then says what the abort did.
 */
let api: Harness;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  ensureDashboardBuilt();
  api = await startApi({}, { worker: true });
  await seedDemoCluster(api, new Date());
  baseUrl = await dashboardUrl(api.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 120000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
}, 30000);

it('aborts a rollout at its staging gate and restores everything from the page', async () => {
  const [cluster] = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId: plan.id, start: true, config: { waves: [8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } } } });
  const id = created.body.id;
  const waiting = await api.waitFor(async () => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body, (r) => r.status === 'waiting_approval', 60000);
  const verified = waiting.steps.filter((s: { phase: string }) => s.phase === 'verified').length;
  expect(verified).toBeGreaterThan(0);

  const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill('operator-user');
  await page.getByLabel('Password').fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.goto(`${baseUrl}/rollouts/${id}`);
  await page.getByRole('button', { name: 'Abort…' }).click();
  const putBack = page.getByLabel('What the abort puts back');
  expect(await putBack.locator('option').first().textContent()).toContain(`${verified} verified namespaces stay enforced`);
  await putBack.selectOption('everything');
  await page.getByRole('button', { name: 'Abort and restore everything' }).click();
  const said = page.getByTestId('abort-left');
  await said.waitFor({ timeout: 10000 });
  expect(await said.textContent()).toBe('Put back every namespace this rollout changed.');

  const aborted = await api.waitFor(async () => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body, (r) => r.status === 'aborted', 60000);
  expect(aborted.steps.filter((s: { phase: string }) => s.phase === 'verified')).toEqual([]);
  expect(aborted.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'everything', by: 'user:operator-user' })]);
  await context.close();
}, 120000);
