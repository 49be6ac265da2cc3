import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * The drift page: a policy deleted by hand after a rollout shows there with its YAML difference once
 * checked, and re-applying the plan from the page (confirmed) puts it back, after which the page says
 * there is no drift. At 1,280 px, nothing overflows the page.
 */
const demo = demoDashboardPerFile();

it('shows a policy deleted by hand with its YAML difference, re-applies the plan, and is clean again', async () => {
  const { api } = demo;
  const [cluster] = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const namespaces = (await api.call('GET', `/api/v1/clusters/${cluster.id}/namespaces`, { role: 'viewer' })).body;
  const [namespace] = namespaces.filter((n: { tier: string | null }) => n.tier === 'dev').map((n: { name: string }) => n.name);
  const plan = (await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      namespaces: [namespace],
      start: true,
      config: { waves: [8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } },
    },
  });
  expect(created.status).toBe(201);
  await api.waitFor(
    async () => (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body,
    (r) => r.status === 'completed',
    60_000,
  );
  const live = async (): Promise<string[]> =>
    (
      await api.db.query(`SELECT name FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [
        cluster.id,
        namespace,
      ])
    ).map((r: { name: string }) => r.name);
  const planned = await live();
  const [removed] = planned;
  await api.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND name = $3`, [
    cluster.id,
    namespace,
    removed,
  ]);

  const { page, context } = await signedInPage(demo.dashboard, 'operator-user');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${demo.dashboard.baseUrl}/clusters/${cluster.id}`);
  await page.getByRole('link', { name: 'Drift' }).click();
  await page.getByRole('button', { name: 'Check now' }).click();

  const section = page.getByRole('region', { name: `Drift in ${namespace}` });
  const finding = section.locator('[data-kind="policy_removed"]');
  await finding.waitFor({ timeout: 30_000 });
  expect(await finding.textContent()).toContain(removed);
  expect(await finding.textContent()).toContain('found');
  const yaml = await finding.getByTestId('yaml-difference').textContent();
  expect(yaml).toContain(`-   name: ${removed}`);
  expect(yaml).toContain('- kind: NetworkPolicy');
  expect(await page.locator('html').evaluate((html: any) => html.scrollWidth)).toBeLessThanOrEqual(1280);

  await section.getByRole('button', { name: 'Re-apply the plan' }).click();
  const confirmation = section.getByRole('alertdialog', { name: 'Re-apply the plan' });
  expect(await confirmation.textContent()).toContain(`Put back exactly the policies of plan v${plan.version} in ${namespace}`);
  await confirmation.getByRole('button', { name: 'Confirm: re-apply the plan' }).click();

  await page.getByText('No drift', { exact: true }).waitFor({ timeout: 30_000 });
  const done = page.getByTestId('drift-actions').locator('tbody tr').first();
  expect(await done.textContent()).toContain('done');
  expect(await done.textContent()).toContain(`re-applied plan v${plan.version} to ${namespace}`);
  expect(await live()).toEqual(planned);
  await context.close();
}, 150_000);
