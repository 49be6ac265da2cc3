import { type Browser, chromium } from 'playwright-core';
import { type Harness, seedDemoCluster, startApi, USER_PASSWORD } from '../integration/support/harness';
import { CHROMIUM, CHROMIUM_ARGS, dashboardUrl, ensureDashboardBuilt, VIEWPORT } from './support/browser';

/**
 * A rollout whose dev tier may only start in a window that opens on New Year's night: the API says
 * when (opensAt), and the dashboard's rollout page tells a viewer the rollout waits and until when.
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

it('shows a rollout waiting for its maintenance window, and when the window opens', async () => {
  const clusters = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await api.call('POST', `/api/v1/clusters/${clusters[0].id}/plans`, { role: 'operator' })).body;
  const newYear = { kind: 'cron', name: 'new year', expression: '0 3 1 1 *', durationMinutes: 60, timeZone: 'UTC' };
  const created = await api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId: plan.id, start: true, config: { windows: { dev: [newYear] } } } });
  expect(created.status).toBe(201);
  const year = new Date().getUTCFullYear();
  const opensAt = new Date(Date.UTC(Date.now() < Date.UTC(year, 0, 1, 3) ? year : year + 1, 0, 1, 3)).toISOString();
  expect(created.body).toMatchObject({ status: 'waiting_window', opensAt });

  const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('User name').fill('viewer-user');
  await page.getByLabel('Password').fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  await page.goto(`${baseUrl}/rollouts/${created.body.id}`);
  const note = page.getByTestId('waiting-window');
  await note.waitFor({ timeout: 10000 });
  expect(await note.textContent()).toMatch(/^Waiting for a maintenance window: the next wave starts 1 Jan,? 03:00\. Steps under way finish\.$/);
  await context.close();
}, 60000);
