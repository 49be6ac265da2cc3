import { makeCertificates } from '../support/fake-flow-servers/certificates';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * The cluster page's flow sources: the demo's simulated source `live` shows connected with its flows;
 * an operator adds a Hubble Relay source over mTLS at an address nothing listens on (the PEM material is
 * gone from the page once sent, and never comes back), sees it failing with the collector's reason, disables it and removes it (after confirming); a viewer sees no edit button.
 * Loopback addresses are allowed here so that the address is refused by the network, not by the API.
 */
const demo = demoDashboardPerFile({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' }, { liveSources: true });

async function demoClusterId(): Promise<string> {
  const [cluster] = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  return cluster.id;
}

it('shows the live source connected; an operator adds a failing Hubble Relay source, disables it and removes it', async () => {
  const clusterId = await demoClusterId();
  const certificates = makeCertificates('hubble-relay.kube-system.svc');
  const { page, context } = await signedInPage(demo.dashboard, 'operator-user');
  await page.goto(`${demo.dashboard.baseUrl}/clusters/${clusterId}`);
  const table = page.getByTestId('flow-source-table');

  // The worker takes the lease of `live` and its flows arrive: the card reads its state again by itself.
  const live = table.locator('tr[data-source="live"][data-status="connected"]');
  await live.waitFor();
  expect(await live.getByRole('cell').nth(1).textContent()).toBe('Simulated stream');
  await table.locator('tr[data-source="live"]').getByRole('cell').nth(5).filter({ hasNotText: 'none yet' }).waitFor();

  await page.getByLabel('Source name').fill('relay-e2e');
  await page.getByLabel('Kind', { exact: true }).selectOption('hubble-relay');
  await page.getByLabel('Address', { exact: true }).fill('127.0.0.1:1');
  await page.getByLabel('Over TLS').check();
  await page.getByLabel('Server name').fill('hubble-relay.kube-system.svc');
  await page.getByLabel('CA certificate (PEM)').fill(certificates.ca);
  await page.getByLabel('Client certificate (PEM)').fill(certificates.client.certificate);
  await page.getByLabel('Client key (PEM)').fill(certificates.client.key);
  await page.getByRole('button', { name: 'Add source' }).click();
  await page.getByRole('status').filter({ hasText: 'relay-e2e added' }).waitFor();
  const relay = table.locator('tr[data-source="relay-e2e"]');
  await relay.waitFor();
  expect(await relay.getByRole('cell').nth(2).textContent()).toBe('127.0.0.1:1 mTLS as hubble-relay.kube-system.svc');
  // Write-only: the form is emptied once sent, and neither the page nor the API has the key back.
  expect(await page.getByLabel('Client key (PEM)').count()).toBe(0);
  await page.getByLabel('Over TLS').check();
  expect(await page.getByLabel('Client key (PEM)').inputValue()).toBe('');
  const keyLine = certificates.client.key.split('\n')[1]!;
  expect(await page.content()).not.toContain(keyLine);
  const listed = await demo.api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources`, { role: 'viewer' });
  expect(JSON.stringify(listed.body)).not.toContain(keyLine);

  // Nothing listens there: the collector says why, and the card shows it.
  await table.locator('tr[data-source="relay-e2e"][data-status="failing"]').waitFor();
  expect(await relay.getByTestId('source-reason').textContent()).toMatch(/UNAVAILABLE|ECONNREFUSED|connect/i);

  await relay.getByRole('button', { name: 'Disable relay-e2e' }).click();
  await table.locator('tr[data-source="relay-e2e"][data-enabled="false"]').waitFor();
  await relay.getByRole('button', { name: 'Enable relay-e2e' }).waitFor();
  const stored = (await demo.api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources`, { role: 'viewer' })).body;
  expect(stored.find((s: { name: string }) => s.name === 'relay-e2e').enabled).toBe(false);

  // Removal asks first; cancelling keeps the source.
  await relay.getByRole('button', { name: 'Remove…' }).click();
  await relay.getByRole('button', { name: 'Cancel' }).click();
  await relay.getByRole('button', { name: 'Remove…' }).click();
  await relay.getByRole('button', { name: 'Remove relay-e2e' }).click();
  await relay.waitFor({ state: 'detached' });
  const after = (await demo.api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources`, { role: 'viewer' })).body;
  expect(after.map((s: { name: string }) => s.name)).toEqual(['live']);
  await context.close();
}, 90000);

it('shows a viewer the sources and their state, without a way to change them', async () => {
  const clusterId = await demoClusterId();
  const { page, context } = await signedInPage(demo.dashboard, 'viewer-user');
  await page.goto(`${demo.dashboard.baseUrl}/clusters/${clusterId}`);
  const card = page.getByTestId('flow-sources');
  await card.locator('tr[data-source="live"]').waitFor();
  expect(await card.getByRole('button').count()).toBe(0);
  expect(await card.getByLabel('Source name').count()).toBe(0);
  await context.close();
}, 30000);
