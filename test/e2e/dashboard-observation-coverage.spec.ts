import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * Observation coverage on the dashboard, on the demo (a week of imported flows): the plan page's
 * Coverage tab lists each namespace as the plan kept it, and a rollout whose dev tier asks for 30 days
 * tells a viewer it waits for observation, naming the namespace short of it.
 */
const demo = demoDashboardPerFile();

it("lists on the plan's Coverage tab each namespace's observation and its under-observed workloads, as the plan kept them", async () => {
  const clusters = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${clusters[0].id}/plans`, { role: 'operator' })).body;
  const coverage: any[] = plan.report.coverage;
  const listed = coverage.find((ns) => ns.underObservedWorkloads.length > 0);
  expect(listed).toBeDefined();

  const { page, context } = await signedInPage(demo.dashboard, 'viewer-user');
  await page.goto(`${demo.dashboard.baseUrl}/plans/${plan.id}?tab=coverage`);
  const table = page.getByTestId('plan-coverage');
  await table.waitFor({ timeout: 10000 });
  expect(await table.locator('tbody tr').count()).toBe(coverage.length);
  const row = table.locator(`tr[data-namespace="${listed.namespace}"]`);
  const text = await row.textContent();
  for (const workload of listed.underObservedWorkloads) expect(text).toContain(workload.name);
  expect(text).toContain(`${Math.floor(listed.observedDays)} d`);
  await context.close();
}, 60000);

it('shows a rollout waiting for observation, naming the namespace short of the minimum', async () => {
  const clusters = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${clusters[0].id}/plans`, { role: 'operator' })).body;
  const created = await demo.api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(demo.api, plan.id), start: true, config: { minObservedDays: { dev: 30 } } },
  });
  expect(created.status).toBe(201);
  const waiting = await demo.api.waitFor(
    async () => (await demo.api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body,
    (r) => r.status === 'waiting_coverage' && r.coverageWait?.measuring === false,
    20000,
  );
  const [short] = waiting.coverageWait.short;

  const { page, context } = await signedInPage(demo.dashboard, 'viewer-user');
  await page.goto(`${demo.dashboard.baseUrl}/rollouts/${created.body.id}`);
  const note = page.getByTestId('waiting-coverage');
  await note.waitFor({ timeout: 10000 });
  const text = await note.textContent();
  expect(text).toMatch(/^Waiting for observation: the Development tier asks for 30 days without a gap/);
  expect(text).toContain(`${short.namespace} (${short.observedDays} days since`);
  expect(text).toContain('nothing has been applied to them');
  await context.close();
}, 60000);
