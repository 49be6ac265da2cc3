import { readSample, SAMPLE } from '../fixtures/flows/samples';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * Refused flows on the map, in the browser: a cluster fed the Cilium docs' published Hubble export (an X-wing
 * the policy stops from reaching the Death Star, POLICY_DENIED) and one more dropped flow from another
 * namespace. The map lists them apart from its dependencies, with their reason and evidence, draws them as
 * dashed red lines, and an operator's Declare turns one into a declared dependency.
 */
const demo = demoDashboardPerFile();

/** A bare pod, or with `deployment` a pod of that Deployment's ReplicaSet (with the hash the sample's pod name has). */
const pod = (namespace: string, name: string, ip: string, deployment?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace,
    name,
    labels: deployment ? { app: deployment, 'pod-template-hash': '7848d6c4d5' } : { app: name },
    ...(deployment && {
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment}-7848d6c4d5`, controller: true, uid: deployment }],
    }),
  },
  spec: { containers: [{ name: 'main', ports: [{ containerPort: 80 }] }] },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
});
const SNAPSHOT = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rebels' } },
    pod('default', 'xwing', '10.244.1.60'),
    pod('default', 'deathstar-7848d6c4d5-th9v2', '10.244.1.5', 'deathstar'),
    pod('rebels', 'falcon', '10.244.2.7'),
  ],
};
/** A Cilium deny policy's drop (POLICY_DENY), in the same export format as the published sample. */
const FALCON_DROPPED = JSON.stringify({
  flow: {
    time: '2023-08-21T12:13:00.000Z',
    verdict: 'DROPPED',
    IP: { source: '10.244.2.7', destination: '10.244.1.5', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 51000, destination_port: 443, flags: { SYN: true } } },
    source: { namespace: 'rebels', pod_name: 'falcon' },
    destination: { namespace: 'default', pod_name: 'deathstar-7848d6c4d5-th9v2' },
    node_name: 'kind-kind/kind-worker',
    drop_reason_desc: 'POLICY_DENY',
  },
  node_name: 'kind-kind/kind-worker',
  time: '2023-08-21T12:13:00.000Z',
});

let clusterId: string;

async function importFlows(fileName: string, text: string): Promise<void> {
  const { api } = demo;
  const upload = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=${fileName}`, {
    role: 'operator',
    raw: text,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(upload.status).toBe(202);
  const done = await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
  );
  expect(done.body.status).toBe('succeeded');
}

beforeAll(async () => {
  const { api } = demo;
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'starwars', cni: 'cilium' } })).body.id;
  expect((await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { role: 'operator', body: SNAPSHOT })).status).toBe(200);
  await importFlows(SAMPLE.hubbleFieldMask, readSample(SAMPLE.hubbleFieldMask));
  await importFlows('falcon.jsonl', FALCON_DROPPED);
}, 60000);

const blockedRow = (page: import('playwright-core').Page, from: string, to: string) =>
  page.locator(`tr.blocked-row[data-from="${from}"][data-to="${to}"]`);

it('lists the blocked attempts apart from the dependencies, with reason and evidence, filters them, and draws them dashed red', async () => {
  const { page, context } = await signedInPage(demo.dashboard, 'viewer-user');
  page.setDefaultTimeout(10000);
  await page.goto(`${demo.dashboard.baseUrl}/clusters/${clusterId}/map?list=blocked`);
  const xwing = blockedRow(page, 'default/xwing', 'default/deathstar');
  await xwing.waitFor();
  expect(await page.getByRole('tab', { name: /Blocked attempts/ }).getAttribute('aria-selected')).toBe('true');
  expect(await page.getByRole('tab', { name: /Blocked attempts/ }).textContent()).toBe('Blocked attempts2');
  expect(await page.getByRole('tab', { name: /Dependencies/ }).textContent()).toBe('Dependencies0');
  const cells = await xwing.locator('td').allTextContents();
  expect(cells.slice(0, 4)).toEqual(['default/xwing', 'default/deathstar', '80/TCP', '1']);
  expect(cells[4]).toBe('21 Aug, 12:12');
  expect(cells[6]).toBe('POLICY_DENIED');
  expect(cells[7]).toBe(`${SAMPLE.hubbleFieldMask}hubble`);
  expect(await blockedRow(page, 'rebels/falcon', 'default/deathstar').locator('td').nth(6).textContent()).toBe('POLICY_DENY');
  // A viewer reads them and declares nothing.
  expect(await page.getByRole('button', { name: 'Declare' }).count()).toBe(0);

  // The namespace filter asks the API for that namespace's attempts; the search narrows those loaded, reasons included.
  await page.getByLabel('Namespace').selectOption('rebels');
  await page.getByTestId('blocked-table').locator('tr.blocked-row').first().waitFor();
  await xwing.waitFor({ state: 'detached' });
  expect(await page.locator('tr.blocked-row').count()).toBe(1);
  // the tab counts what the table lists, as the dependencies tab does
  expect(await page.getByRole('tab', { name: /Blocked attempts/ }).textContent()).toBe('Blocked attempts1 of 2');
  await page.getByLabel('Namespace').selectOption('');
  await page.getByLabel('Search dependencies').fill('policy_denied');
  await blockedRow(page, 'rebels/falcon', 'default/deathstar').waitFor({ state: 'detached' });
  expect(await page.locator('tr.blocked-row').count()).toBe(1);
  expect(await page.getByText('1 of the 2 attempts loaded match the search or focus.').count()).toBe(1);
  expect(await page.getByRole('tab', { name: /Blocked attempts/ }).textContent()).toBe('Blocked attempts1 of 2');
  await page.getByLabel('Search dependencies').fill('');

  // Drawn as refused, never as an allowed edge.
  const line = page.locator('path.link[data-from="default/xwing"][data-to="default/deathstar"]');
  await line.waitFor({ state: 'attached' });
  expect(await line.getAttribute('data-style')).toBe('blocked');
  expect(await line.evaluate((el) => (globalThis as any).getComputedStyle(el).strokeDasharray)).toBe('6px, 4px');
  expect(await line.evaluate((el) => (globalThis as any).getComputedStyle(el).stroke)).toBe('rgb(224, 49, 49)');
  expect(await page.locator('path.link:not(.link-blocked)').count()).toBe(0);
  await page.getByRole('checkbox', { name: 'blocked attempts', exact: true }).uncheck();
  await line.waitFor({ state: 'detached' });
  await context.close();
});

it('declares a blocked attempt from its row: it becomes a declared dependency, on the page and in the API', async () => {
  const { page, context } = await signedInPage(demo.dashboard, 'operator-user');
  page.setDefaultTimeout(10000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${demo.dashboard.baseUrl}/clusters/${clusterId}/map?list=blocked`);
  const xwing = blockedRow(page, 'default/xwing', 'default/deathstar');
  await xwing.waitFor();
  const fit = await page.getByTestId('blocked-table').evaluate((table: any) => ({
    table: table.scrollWidth,
    room: table.parentElement.clientWidth,
    furthestButton: Math.max(...[...table.querySelectorAll('button')].map((b: any) => b.getBoundingClientRect().right)),
    viewport: (globalThis as any).innerWidth,
  }));
  expect(fit.table).toBeLessThanOrEqual(fit.room);
  expect(fit.furthestButton).toBeLessThanOrEqual(fit.viewport);

  await xwing.getByRole('button', { name: 'Declare' }).click();
  await page.getByLabel(/Why is default\/xwing → default\/deathstar :80\/TCP wanted/).fill('the rebels are allowed in after all');
  await page.getByRole('button', { name: 'Add dependency' }).click();
  await xwing.getByText('declared', { exact: true }).waitFor();
  expect(await page.getByRole('status').filter({ hasText: 'Declared' }).textContent()).toBe(
    'Declared default/xwing → default/deathstar :80/TCP: it is now a dependency of the map.',
  );
  expect(await xwing.getByRole('button', { name: 'Declare' }).count()).toBe(0);
  // The other attempt stays refused, and declarable.
  expect(await blockedRow(page, 'rebels/falcon', 'default/deathstar').getByRole('button', { name: 'Declare' }).count()).toBe(1);

  await page.getByRole('tab', { name: /Dependencies/ }).click();
  const edge = page.locator('tr.edge-row[data-from="default/xwing"][data-to="default/deathstar"]');
  await edge.waitFor();
  expect(await edge.getByText('declared', { exact: true }).count()).toBe(1);
  expect(await page.locator('path.link[data-from="default/xwing"][data-to="default/deathstar"][data-style="manual"]').count()).toBe(1);

  const edges = (await demo.api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer' })).body.items;
  expect(edges).toEqual([
    expect.objectContaining({
      fromKey: 'workload:default/xwing',
      toKey: 'workload:default/deathstar',
      port: 80,
      protocol: 'TCP',
      origin: 'manual',
      createdBy: expect.stringContaining('operator-user'),
    }),
  ]);
  const blocked = (await demo.api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked`, { role: 'viewer' })).body.items;
  expect(blocked).toHaveLength(2);
  await context.close();
});
