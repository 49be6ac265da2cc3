import { type DemoDashboard, signedInPage, startDemoDashboard } from './support/browser';

/**
 * A rollout left without a worker stalls past its deadline: the rollout page, already open, shows the
 * "stalled" badge and the reason by itself, and drops both once a worker is back and the rollout moves.
 */
let dashboard: DemoDashboard;
let api: DemoDashboard['api'];

beforeAll(async () => {
  dashboard = await startDemoDashboard({ BULKHEAD_ROLLOUT_STALL_SECONDS: '1' });
  api = dashboard.api;
}, 120000);
afterAll(() => dashboard?.close(), 30000);

it('shows a stalled rollout with its reason, live, and stops once it moves again', async () => {
  const clusters = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await api.call('POST', `/api/v1/clusters/${clusters[0].id}/plans`, { role: 'operator' })).body;
  await api.stopWorker();
  const config = { waves: [1, 8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 0 } };
  const created = await api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId: plan.id, start: true, config } });
  expect(created.status).toBe(201);

  const { page, context } = await signedInPage(dashboard, 'viewer-user');
  await page.goto(`${dashboard.baseUrl}/rollouts/${created.body.id}`);
  await page.getByTestId('rollout-status').waitFor();

  await page.getByTestId('rollout-stalled').waitFor({ timeout: 15000 });
  expect(await page.getByTestId('stalled').textContent()).toMatch(/^Stalled since .+: no progress for \d+ s while running .*under way: [a-z-]+ \(pending\)\./);

  await api.startWorker();
  await page.getByTestId('rollout-stalled').waitFor({ state: 'detached', timeout: 30000 });
  expect(await page.getByTestId('stalled').count()).toBe(0);
  await context.close();
}, 90000);
