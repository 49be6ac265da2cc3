import { join } from 'node:path';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * A cluster's life in the dashboard alone: added (simulated), fed a YAML snapshot file, two namespaces
 * put in a tier at once (each change audited by the API), then removed by typing its name.
 */
const demo = demoDashboardPerFile();
const SNAPSHOT = join(__dirname, '..', 'fixtures', 'small-snapshot.yaml');

it('adds a simulated cluster, uploads a snapshot, sets two tiers at once and removes the cluster', async () => {
  const { page, context } = await signedInPage(demo.dashboard, 'admin-user');
  const { baseUrl } = demo.dashboard;

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  await page.getByLabel('Name', { exact: true }).fill('shop-e2e');
  await page.getByLabel('CNI').selectOption('calico');
  await page.getByLabel('Simulated, fed by snapshots').check();
  await page.getByRole('button', { name: 'Add cluster' }).click();
  await page.waitForURL(/\/clusters\/[0-9a-f-]{36}$/);
  const clusterId = page.url().split('/').pop()!;
  expect(await page.getByTestId('cni-verdict').textContent()).toContain('Calico enforces NetworkPolicy');
  expect(await page.getByTestId('inventory-age').textContent()).toBe('not imported');
  await page.getByTestId('next-steps').locator('[data-step="inventory"]').waitFor();

  await page.getByLabel('Snapshot file to upload').setInputFiles(SNAPSHOT);
  const result = page.getByTestId('snapshot-result');
  await result.waitFor();
  expect(await result.textContent()).toContain('small-snapshot.yaml imported: 3 namespaces');
  expect(await result.textContent()).toContain('Without a tier: db');
  // The cluster is read again once the import answered: its age follows.
  await page
    .getByTestId('inventory-age')
    .filter({ hasText: /^just now$/ })
    .waitFor();
  // With an inventory and no traffic yet, the next step is importing flows.
  await page.getByTestId('next-steps').locator('[data-step="flows"]').waitFor();

  const table = page.getByTestId('namespace-table');
  expect(await table.locator('tr[data-namespace="web"]').getByTestId('tier-source').textContent()).toBe('from a label');
  await table.getByLabel('Tick api').check();
  await table.getByLabel('Tick db').check();
  await page.getByLabel('Tier for the ticked namespaces').selectOption('prod');
  await page.getByRole('button', { name: 'Set tier of ticked' }).click();
  await table.locator('tr[data-namespace="db"][data-tier="prod"]').waitFor();
  await table.locator('tr[data-namespace="api"][data-tier="prod"]').waitFor();
  expect(await table.locator('tr[data-namespace="db"]').getByTestId('tier-source').textContent()).toBe('set by a person');
  expect(await page.getByTestId('tier-outcome').textContent()).toContain('Set: api → prod, db → prod.');

  const stored = (await demo.api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body;
  expect(stored.filter((ns: { tier: string }) => ns.tier === 'prod').map((ns: { name: string }) => ns.name)).toEqual(
    expect.arrayContaining(['api', 'db']),
  );
  const audited = (await demo.api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=namespace.set_tier`, { role: 'admin' })).body;
  expect(audited.items.map((entry: { target: string; actor: string }) => `${entry.actor} ${entry.target}`).sort()).toEqual([
    'user:admin-user api',
    'user:admin-user db',
  ]);

  const remove = page.getByRole('button', { name: 'Remove cluster' });
  await page.getByLabel(/Type shop-e2e to confirm/).fill('shop-e2');
  expect(await remove.isDisabled()).toBe(true);
  await page.getByLabel(/Type shop-e2e to confirm/).fill('shop-e2e');
  await remove.click();
  await page.waitForURL(`${baseUrl}/clusters`);
  // The list is read again after the removal: the cluster leaves it.
  await page.getByTestId('cluster-table').getByText('demo-flat').waitFor();
  await page.getByTestId('cluster-table').getByText('shop-e2e').waitFor({ state: 'detached' });
  expect((await demo.api.call('GET', `/api/v1/clusters/${clusterId}`, { role: 'viewer' })).status).toBe(404);
  await context.close();
}, 120000);
