import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * A rollout left without a worker stalls past its deadline: the rollout page, already open, shows the
 * "stalled" badge and the reason by itself, and drops both once a worker is back and the rollout moves.
 */
const demo = demoDashboardPerFile({ BULKHEAD_ROLLOUT_STALL_SECONDS: '1' });

it('shows a stalled rollout with its reason, live, and stops once it moves again', async () => {
  const clusters = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${clusters[0].id}/plans`, { role: 'operator' })).body;
  await demo.api.stopWorker();
  const config = { waves: [1, 8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 0 } };
  const created = await demo.api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(demo.api, plan.id), start: true, config },
  });
  expect(created.status).toBe(201);

  const { page, context } = await signedInPage(demo.dashboard, 'viewer-user');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts/${created.body.id}`);
  await page.getByTestId('rollout-status').waitFor();

  await page.getByTestId('rollout-stalled').waitFor({ timeout: 15000 });
  expect(await page.getByTestId('stalled').textContent()).toMatch(
    /^Stalled since .+: no progress for \d+ s while running .*under way: [a-z-]+ \(pending\)\./,
  );

  await demo.api.startWorker();
  await page.getByTestId('rollout-stalled').waitFor({ state: 'detached', timeout: 30000 });
  expect(await page.getByTestId('stalled').count()).toBe(0);
  await context.close();
}, 90000);
