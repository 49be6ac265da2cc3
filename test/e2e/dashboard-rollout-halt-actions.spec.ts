import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * The demo journey in the page: the rollout halts on the hidden dependency; an operator asks to skip the
 * namespace and an approver rejects the skip, each from the halt's next actions; then they declare the
 * dependency (the edge and the next plan version), which the approver's open page hears of without a
 * reload, and continue the same rollout with that version; it completes without an abort.
 */
const demo = demoDashboardPerFile();

const rollout = async (id: string) => (await demo.api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const settled = (id: string) =>
  demo.api.waitFor(
    () => rollout(id),
    (r) => !['running', 'rolling_back'].includes(r.status) && !r.steps.some((s: { phase: string }) => s.phase === 'restoring'),
    90000,
  );

it('declares the dependency from the halt and continues the same rollout to the end', async () => {
  const [cluster] = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' })).body;
  const created = await demo.api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      exclude: await untieredExclusions(demo.api, plan.id),
      start: true,
      config: { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } },
    },
  });
  const id = created.body.id;
  await settled(id);
  await demo.api.call('POST', `/api/v1/rollouts/${id}/approve`, { role: 'approver', body: { tier: 'staging' } });
  expect((await settled(id)).status).toBe('halted');

  const { page, context } = await signedInPage(demo.dashboard, 'operator-user');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts/${id}`);
  const actions = page.getByTestId('halt-actions');
  await actions.waitFor({ timeout: 15000 });
  expect(await actions.textContent()).toContain('notifications-staging/notifications-worker -> payments-staging/payments-api:8080/TCP');

  await page.getByLabel('Why notifications-staging is left out').fill('owned by another team');
  await page.getByTestId('action-skip').click();
  const approver = await signedInPage(demo.dashboard, 'approver-user');
  await approver.page.goto(`${demo.dashboard.baseUrl}/rollouts/${id}`);
  await approver.page.getByLabel('Why notifications-staging may not be left out').fill('payments must stay protected');
  await approver.page.getByTestId('action-reject-skip').click();
  // the operator's page, open all along, offers the skip again
  await page.getByTestId('action-skip').waitFor({ timeout: 15000 });
  expect(await page.getByTestId('action-reject-skip').count()).toBe(0);
  expect((await rollout(id)).steps.find((s: { namespace: string }) => s.namespace === 'notifications-staging').skip).toMatchObject({
    rejectedBy: 'user:approver-user',
    comment: 'payments must stay protected',
  });

  await page.getByTestId('action-declare-dependency').click();
  // the approver's page hears of the new plan version on its event stream: continue is offered there too
  await approver.page.getByTestId('action-continue').waitFor({ timeout: 15000 });
  await approver.context.close();
  const next = page.getByTestId('action-continue');
  await next.waitFor({ timeout: 30000 });
  expect(await page.getByLabel('Plan version').inputValue()).toBe(String(plan.version + 1));
  await next.click();
  await page.locator('[data-testid="rollout"]:not([data-status="halted"])').waitFor({ timeout: 15000 });

  let view = await settled(id);
  for (let gate = 0; view.status === 'waiting_approval' && gate < 3; gate++) {
    const tier = view.stages.find((s: { status: string }) => s.status === 'waiting_approval').tier;
    await demo.api.call('POST', `/api/v1/rollouts/${id}/approve`, { role: 'approver', body: { tier } });
    view = await settled(id);
  }
  expect(view).toMatchObject({ status: 'completed', planVersion: plan.version + 1, rollbacks: [] });
  await page.locator('[data-testid="rollout"][data-status="completed"]').waitFor({ timeout: 30000 });
  await context.close();
}, 240000);
