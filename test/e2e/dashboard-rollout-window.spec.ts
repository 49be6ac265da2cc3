import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * A rollout whose dev tier may only start in a window that opens on New Year's night: the API says
 * when (opensAt), and the dashboard's rollout page tells a viewer the rollout waits and until when.
 */
const demo = demoDashboardPerFile();

it('shows a rollout waiting for its maintenance window, and when the window opens', async () => {
  const clusters = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${clusters[0].id}/plans`, { role: 'operator' })).body;
  const newYear = { kind: 'cron', name: 'new year', expression: '0 3 1 1 *', durationMinutes: 60, timeZone: 'UTC' };
  const created = await demo.api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(demo.api, plan.id), start: true, config: { windows: { dev: [newYear] } } },
  });
  expect(created.status).toBe(201);
  const year = new Date().getUTCFullYear();
  const opensAt = new Date(Date.UTC(Date.now() < Date.UTC(year, 0, 1, 3) ? year : year + 1, 0, 1, 3)).toISOString();
  expect(created.body).toMatchObject({ status: 'waiting_window', opensAt });

  const { page, context } = await signedInPage(demo.dashboard, 'viewer-user');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts/${created.body.id}`);
  const note = page.getByTestId('waiting-window');
  await note.waitFor({ timeout: 10000 });
  expect(await note.textContent()).toMatch(
    /^Waiting for a maintenance window: the next wave starts 1 Jan,? 03:00\. Steps under way finish\.$/,
  );
  await context.close();
}, 60000);
