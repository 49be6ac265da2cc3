import { SimulatedDriver } from '@bulkhead/cluster';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Harness, startApi } from '../integration/support/harness';
import { SMALL_CLUSTER_WITH_DNS } from '../integration/support/small-cluster';
import { CHROMIUM, CHROMIUM_ARGS, dashboardUrl, ensureDashboardBuilt, signIn, VIEWPORT } from './support/browser';

/**
 * The whole journey of issue 18 on an empty install (no demo cluster), through the dashboard alone:
 * an admin adds a simulated cluster, uploads its snapshot, imports its flows, sets a tier, creates an
 * API token, makes a plan and starts a rollout; a second user (the approver) approves its stages; a
 * policy the rollout applied is then deleted by hand, and the drift page shows it. The only calls
 * outside the browser are the harness's users (the first admin's credentials, as every e2e spec reads
 * them) and that deletion by hand.
 */
const FIXTURES = join(__dirname, '..', 'fixtures');

let api: Harness;
let browser: Browser;
let baseUrl: string;

beforeAll(async () => {
  ensureDashboardBuilt();
  api = await startApi({ BULKHEAD_DEMO: 'false' }, { worker: true });
  baseUrl = await dashboardUrl(api.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
}, 30_000);

async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, timezoneId: 'UTC' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await signIn(page, baseUrl, username);
  return page;
}

it('takes an empty install from a new cluster to a rolled-out plan whose hand-deleted policy shows as drift', async () => {
  const admin = await signedIn('admin-user');
  const nav = admin.getByRole('navigation', { name: 'Main' });

  // 1. Add a simulated cluster.
  await nav.getByRole('link', { name: 'Clusters' }).click();
  await admin.getByLabel('Name', { exact: true }).fill('shop');
  await admin.getByLabel('CNI').selectOption('calico');
  await admin.getByLabel('Simulated, fed by snapshots').check();
  await admin.getByRole('button', { name: 'Add cluster' }).click();
  await admin.waitForURL(/\/clusters\/[0-9a-f-]{36}$/);
  const clusterUrl = admin.url();
  const clusterId = clusterUrl.split('/').pop()!;

  // 2. Upload a snapshot: the small cluster with its cluster DNS, which every namespace's probes resolve names through.
  await admin.getByLabel('Snapshot file to upload').setInputFiles({
    name: 'shop.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(SMALL_CLUSTER_WITH_DNS),
  });
  expect(await admin.getByTestId('snapshot-result').textContent()).toContain('shop.yaml imported: 4 namespaces');

  // 3. Import flows, from the step the cluster page proposes next.
  await admin.getByTestId('next-steps').locator('[data-step="flows"]').getByRole('link', { name: 'Import flows' }).click();
  await admin.getByLabel('Flow file to upload').setInputFiles(join(FIXTURES, 'small-flows.hubble.jsonl'));
  await admin.locator('[data-testid="flow-import"][data-status="succeeded"]', { hasText: 'small-flows.hubble.jsonl' }).waitFor();

  // 4. Set tiers: db has no label saying one; it goes first, in dev.
  await admin.goto(clusterUrl);
  const namespaces = admin.getByTestId('namespace-table');
  await namespaces.getByLabel('Tick db').check();
  await admin.getByLabel('Tier for the ticked namespaces').selectOption('dev');
  await admin.getByRole('button', { name: 'Set tier of ticked' }).click();
  await namespaces.locator('tr[data-namespace="db"][data-tier="dev"]').waitFor();
  expect(await namespaces.locator('tr[data-namespace="db"]').getByTestId('tier-source').textContent()).toBe('set by a person');
  const tiers = await namespaces
    .locator('tr[data-namespace]')
    .evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-namespace')}:${row.getAttribute('data-tier')}`).sort());
  expect(tiers).toEqual(['api:staging', 'db:dev', 'kube-system:', 'web:prod']);

  // 5. Create an API token: shown once, then listed without its secret.
  await nav.getByRole('link', { name: 'Access' }).click();
  await admin.locator('#new-token-name').fill('ci-journey');
  await admin.locator('#new-token-role').selectOption('operator');
  await admin.getByRole('button', { name: 'Create token' }).click();
  const token = (await admin.getByRole('region', { name: 'Token ci-journey' }).getByTestId('shown-once-secret').textContent())!.trim();
  expect(token).toMatch(/^bh_/);
  await admin.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'ci-journey' }).waitFor();

  // 6. Make a plan.
  await admin.goto(clusterUrl);
  await admin.getByTestId('next-steps').locator('[data-step="plan"]').getByRole('link', { name: 'Make a plan' }).click();
  await admin.getByRole('button', { name: 'Make a plan' }).click();
  await admin.getByTestId('newly-blocked').waitFor({ timeout: 30_000 });

  // 7. Start a rollout of it, with settings fast enough for a test.
  await admin.getByRole('link', { name: 'Roll out this plan' }).click();
  await admin.getByLabel('Waves').fill('8');
  await admin.getByLabel('Settle time (s)').fill('0');
  await admin.getByLabel('Probe retries').fill('0');
  await admin.getByLabel('Probe timeout (ms)').fill('1000');
  await admin.getByLabel('Retry delay (ms)').fill('10');
  // kube-system has no tier: the form asks where it goes, and leaving it out needs a reason (a system namespace's is offered).
  await admin.getByLabel('Stage of kube-system').selectOption('exclude');
  expect(await admin.getByLabel('Why kube-system is excluded').inputValue()).toBe('system namespace');
  await admin.getByRole('button', { name: 'Create and start' }).click();
  await admin.getByTestId('rollout').waitFor();
  const rolloutUrl = admin.url();
  await admin.locator('[data-testid="stage"][data-tier="dev"][data-status="completed"]').waitFor({ timeout: 30_000 });
  await admin.locator('[data-testid="stage"][data-tier="staging"][data-status="waiting_approval"]').waitFor({ timeout: 30_000 });

  // 8. A second user, the approver, approves staging and then prod from the approvals inbox.
  const approver = await signedIn('approver-user');
  await approver
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: /^Approvals/ })
    .click();
  for (const tier of ['staging', 'prod']) {
    const request = approver.getByTestId('approval').filter({ has: approver.getByRole('button', { name: `Approve ${tier}` }) });
    await request.waitFor({ timeout: 30_000 });
    await request.getByLabel('Comment (kept in the audit log)').fill(`journey: ${tier} looks right`);
    await request.getByRole('button', { name: `Approve ${tier}` }).click();
  }
  await admin.goto(rolloutUrl);
  await admin.locator('[data-testid="rollout"][data-status="completed"]').waitFor({ timeout: 30_000 });
  await approver.context().close();

  // 9. Drift. The hand: the simulated driver's own delete, which is what `kubectl delete networkpolicy`
  // does to a real cluster. The API has no route to delete a live policy outside a rollout, on purpose.
  const driver = new SimulatedDriver(api.db, clusterId);
  const [removed] = (await driver.readPolicies('db')).map((p) => p.metadata.name);
  expect(removed).toBeDefined();
  await driver.deletePolicies('db', [removed!]);

  await admin.goto(clusterUrl);
  await admin.getByRole('link', { name: 'Drift' }).click();
  await admin.getByRole('button', { name: 'Check now' }).click();
  const finding = admin.getByRole('region', { name: 'Drift in db' }).locator('[data-kind="policy_removed"]');
  await finding.waitFor({ timeout: 30_000 });
  expect(await finding.textContent()).toContain(removed);
  expect(await finding.getByTestId('yaml-difference').textContent()).toContain(`-   name: ${removed}`);
  await admin.context().close();
}, 90_000);
