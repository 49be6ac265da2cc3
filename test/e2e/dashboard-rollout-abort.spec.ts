import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * Aborting from the rollout page: the form says what a plain abort leaves enforced, offers "restore
 * everything" as one action, and the page then says what the abort did.
 */
const demo = demoDashboardPerFile();

it('aborts a rollout at its staging gate and restores everything from the page', async () => {
  const [cluster] = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' })).body;
  const created = await demo.api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      exclude: await untieredExclusions(demo.api, plan.id),
      start: true,
      config: { waves: [8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } },
    },
  });
  const id = created.body.id;
  const waiting = await demo.api.waitFor(
    async () => (await demo.api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body,
    (r) => r.status === 'waiting_approval',
    60000,
  );
  const verified = waiting.steps.filter((s: { phase: string }) => s.phase === 'verified').length;
  expect(verified).toBeGreaterThan(0);

  const { page, context } = await signedInPage(demo.dashboard, 'operator-user');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts/${id}`);
  await page.getByRole('button', { name: 'Abort…' }).click();
  const putBack = page.getByLabel('What the abort puts back');
  expect(await putBack.locator('option').first().textContent()).toContain(`${verified} verified namespaces stay enforced`);
  await putBack.selectOption('everything');
  await page.getByRole('button', { name: 'Abort and restore everything' }).click();
  const said = page.getByTestId('abort-left');
  await said.waitFor({ timeout: 10000 });
  expect(await said.textContent()).toBe('Put back every namespace this rollout changed.');

  const aborted = await demo.api.waitFor(
    async () => (await demo.api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body,
    (r) => r.status === 'aborted',
    60000,
  );
  expect(aborted.steps.filter((s: { phase: string }) => s.phase === 'verified')).toEqual([]);
  expect(aborted.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'everything', by: 'user:operator-user' })]);
  await context.close();
}, 120000);
