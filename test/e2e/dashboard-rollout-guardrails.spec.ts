import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * The cluster stage in the dashboard: a rollout of a plan with tier isolation, staged before dev, waits in the
 * approvals inbox as "Cluster guardrails"; an approver approves it there, and the rollout page shows the stage's
 * one step verified, with the probe that proves the incident's connection blocked.
 */
const demo = demoDashboardPerFile();

it('shows the cluster stage waiting for its approval, lets an approver approve it, and shows its step verified by probes', async () => {
  const api = demo.api;
  const [cluster] = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  expect((await api.call('PATCH', `/api/v1/clusters/${cluster.id}`, { role: 'admin', body: { cni: 'calico' } })).status).toBe(200);
  const plan = (
    await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, {
      role: 'operator',
      body: { clusterLayer: { tierIsolation: true }, guardrailStage: 'beforeDev' },
    })
  ).body;
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
  await context.close();
}, 60000);
