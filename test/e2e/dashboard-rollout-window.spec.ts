import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * A rollout whose dev tier may only start in a window that opens on New Year's night: the API says
 * when (opensAt), and the dashboard's rollout page tells a viewer the rollout waits and until when. On the
 * new-rollout form, a window typed in shows its next three openings before anything is created.
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

it('previews the next three openings of a window typed on the new-rollout form, and names a bad cron field and a bad freeze start', async () => {
  const { page, context } = await signedInPage(demo.dashboard, 'operator-user');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts?new=1`);
  await page.getByRole('button', { name: 'Add a prod window' }).click();
  await page.locator('#ro-win-prod-0-zone').fill('UTC');
  await page.locator('#ro-win-prod-0-duration').fill('180');
  await page.locator('#ro-win-prod-0-schedule').fill('0 2 * * MON-FRI');
  const openings = page.getByTestId('openings-prod').locator('li');
  await openings.nth(2).waitFor({ timeout: 10000 });
  const texts = await openings.allTextContents();
  expect(texts).toHaveLength(3);
  for (const text of texts) expect(text).toMatch(/^\d{1,2} \w{3},? \d{2}:\d{2} – \d{1,2} \w{3},? \d{2}:\d{2}$/);

  await page.locator('#ro-win-prod-0-schedule').fill('0 25 * * MON-FRI');
  const problem = page.locator('#ro-win-prod-0-schedule-problem');
  await problem.waitFor({ timeout: 10000 });
  expect(await problem.textContent()).toContain('hour');

  await page.locator('#ro-win-prod-0-schedule').fill('0 2 * * MON-FRI');
  await page.getByRole('button', { name: 'Add a freeze' }).click();
  await page.locator('#ro-freeze-0-start').fill('tomorrow');
  const freezeProblem = page.locator('#ro-freeze-0-start-problem');
  await freezeProblem.waitFor({ timeout: 10000 });
  await context.close();
}, 60000);
