import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * The cluster stage in the dashboard: an operator asks for tier isolation staged before dev on the plans page; a
 * rollout of that plan waits in the approvals inbox as "Cluster guardrails"; an approver approves it there, and the rollout page shows the stage's
 * one step verified, with the probe that proves the incident's connection blocked.
 */
const demo = demoDashboardPerFile();

it('makes a plan with guardrails staged before dev, shows their stage waiting for its approval, lets an approver approve it, and shows its step verified', async () => {
  const api = demo.api;
  const [cluster] = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  expect((await api.call('PATCH', `/api/v1/clusters/${cluster.id}`, { role: 'admin', body: { cni: 'calico' } })).status).toBe(200);
  // An operator asks for tier isolation, staged before dev, on the plans page.
  const operator = await signedInPage(demo.dashboard, 'operator-user');
  await operator.page.goto(`${demo.dashboard.baseUrl}/clusters/${cluster.id}/plans`);
  await operator.page.getByLabel('Tier isolation').check();
  await operator.page.getByLabel('Stage the guardrails').selectOption('beforeDev');
  await operator.page.getByRole('button', { name: 'Make a plan' }).click();
  await operator.page.getByRole('heading', { name: /Plan v\d+/ }).waitFor({ timeout: 20000 });
  const planId = operator.page.url().split('/plans/')[1]!.split('?')[0]!;
  await operator.page.goto(`${demo.dashboard.baseUrl}/plans/${planId}?tab=guardrails`);
  expect(await operator.page.getByTestId('guardrail-stage').textContent()).toContain('before dev');
  await operator.context.close();
  const plan = (await api.call('GET', `/api/v1/plans/${planId}`, { role: 'viewer' })).body;
  expect(plan.report.plan.clusterLayer.stage).toBe('beforeDev');

  const coverage = (await api.call('GET', `/api/v1/plans/${plan.id}/rollout-coverage`, { role: 'viewer' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      exclude: coverage.namespaces.map((ns: { namespace: string }) => ({ namespace: ns.namespace, reason: 'guardrails only' })),
      start: true,
      config: { settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } },
    },
  });
  expect(created.status).toBe(201);

  const { page, context } = await signedInPage(demo.dashboard, 'approver-user');
  await page.goto(`${demo.dashboard.baseUrl}/approvals`);
  const card = page.locator(`[data-testid="approval"][data-rollout="${created.body.id}"][data-tier="cluster"]`);
  await card.waitFor({ timeout: 10000 });
  expect(await card.getByRole('heading').first().textContent()).toContain('Cluster guardrails');
  await card.getByRole('button', { name: 'Approve cluster guardrails' }).click();
  await page.getByText(`Cluster guardrails of plan v${plan.version} approved: it starts now.`).waitFor();

  await page.goto(`${demo.dashboard.baseUrl}/rollouts/${created.body.id}`);
  const stage = page.locator('[data-testid="stage"][data-tier="cluster"]');
  await stage.waitFor({ timeout: 10000 });
  expect(await stage.locator('h2').textContent()).toContain('Cluster guardrails');
  const step = stage.locator('[data-testid="step"][data-phase="verified"]');
  await step.waitFor({ timeout: 20000 });
  expect(await step.locator('td').first().textContent()).toBe('cluster-scoped policies');
  expect(await stage.getByTestId('decision').textContent()).toContain('Approved by approver-user');
  // The guardrails are their stage, not a namespace: the rollout steps none, and the list says the same.
  const progress = await page.getByTestId('progress').textContent();
  expect(progress).toContain('0 of 0 namespaces verified');
  expect(progress).toContain('guardrails verified');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts`);
  const row = page.getByTestId('rollout-row').filter({ has: page.locator(`a[href="/rollouts/${created.body.id}"]`) });
  await row.waitFor({ timeout: 10000 });
  expect(await row.locator('.mini-progress').textContent()).toMatch(/^0\/0 · \d+ excluded · guardrails verified$/);
  await context.close();
}, 60000);
