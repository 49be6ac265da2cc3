import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type Harness, seedDemoCluster, startApi } from '../integration/support/harness';
import { CHROMIUM, CHROMIUM_ARGS, dashboardUrl, ensureDashboardBuilt, signIn, VIEWPORT } from './support/browser';

/**
 * Plans, rollouts and approvals in a real browser against the real API and worker on the demo
 * cluster: an operator makes a plan and rolls it out with fast settings, watches dev go verified;
 * a viewer sees the approval waiting but cannot decide (nor can the API be talked into it); an
 * approver approves staging in the inbox, and the operator's rollout page, still open, moves on
 * by itself (server-sent events), without a reload.
 */

let api: Harness;
let clusterId: string;
let baseUrl: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** The operator's page stays open from the first test to the last: it must update by itself. */
let operator: Page;
let rolloutId: string;
let viewer: Page;

/** A fresh browser context (its own cookies) signed in as `username`. */
async function signedIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  context.setDefaultTimeout(10000);
  contexts.push(context);
  const page = await context.newPage();
  await signIn(page, baseUrl, username);
  return page;
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${name}`) });

beforeAll(async () => {
  ensureDashboardBuilt();
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api, new Date());
  baseUrl = await dashboardUrl(api.url);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}, 120000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await api?.close();
}, 30000);

describe('a rollout from the dashboard', () => {
  it('lets an operator make a plan, roll it out with fast settings, and watch dev go verified', async () => {
    operator = await signedIn('operator-user');
    await operator.goto(`${baseUrl}/clusters/${clusterId}/plans`);
    await operator.getByText('No plan yet').waitFor();
    await operator.getByRole('button', { name: 'Make a plan' }).click();
    await operator.getByRole('heading', { name: /Plan v1/ }).waitFor({ timeout: 20000 });
    // The review shows the one observed flow the plan would block: the dev debug pod into the prod database.
    const blocked = operator.getByTestId('newly-blocked');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('postgres-prod/postgres');

    await operator.getByRole('link', { name: 'Roll out this plan' }).click();
    await operator.getByLabel('Waves').fill('1, 8');
    await operator.getByLabel('Settle time (s)').fill('0');
    await operator.getByLabel('Probe retries').fill('1');
    await operator.getByLabel('Probe timeout (ms)').fill('1000');
    await operator.getByLabel('Retry delay (ms)').fill('10');
    // The demo's namespaces without a tier: each goes to a stage or is left out with a reason (system ones already are).
    const placements = operator.getByTestId('coverage').locator('select');
    await placements.first().waitFor();
    for (const placement of await placements.all()) {
      if ((await placement.inputValue()) !== '') continue;
      const namespace = (await placement.getAttribute('aria-label'))!.replace('Stage of ', '');
      await placement.selectOption('exclude');
      await operator.getByLabel(`Why ${namespace} is excluded`).fill('not part of this rollout');
    }
    await operator.getByRole('button', { name: 'Create and start' }).click();
    await operator.getByTestId('rollout').waitFor();
    rolloutId = operator.url().split('/rollouts/')[1] ?? '';
    expect(rolloutId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await api.call('GET', `/api/v1/rollouts/${rolloutId}`, { role: 'viewer' })).body.config).toMatchObject({
      waves: [1, 8],
      settleMs: 0,
      probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 },
    });

    // From here on the page is never reloaded: a mark on its window would be gone after one.
    await operator.evaluate(() => ((globalThis as any).__bulkheadNoReload = true));
    await operator.locator('[data-testid="stage"][data-tier="dev"][data-status="completed"]').waitFor({ timeout: 60000 });
    await operator.locator('[data-testid="stage"][data-tier="staging"][data-status="waiting_approval"]').waitFor({ timeout: 10000 });
    const devSteps = operator.locator('[data-testid="stage"][data-tier="dev"] [data-testid="step"]');
    expect(await devSteps.count()).toBeGreaterThan(3);
    expect(await operator.locator('[data-testid="stage"][data-tier="dev"] [data-testid="step"]:not([data-phase="verified"])').count()).toBe(
      0,
    );
    expect(await operator.getByTestId('liveness').textContent()).toBe('Live');
    // A step's probes, opened: kind, from → to:port, attempts, outcome.
    await devSteps.first().getByRole('button', { name: 'Probes' }).click();
    const probes = operator.getByTestId('probes').first();
    await probes.waitFor();
    expect(await probes.textContent()).toMatch(/must (connect|resolve|be blocked).*passed/);
    // Operators do not decide approvals: no approve button anywhere, and no approvals badge.
    expect(await operator.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    expect(await operator.getByTestId('approvals-count').count()).toBe(0);
  }, 90000);

  it('shows a viewer the waiting approval and its evidence, without an approve button; the API refuses the viewer anyway', async () => {
    viewer = await signedIn('viewer-user');
    await nav(viewer, 'Approvals').click();
    const card = viewer.locator(`[data-testid="approval"][data-rollout="${rolloutId}"][data-tier="staging"]`);
    await card.waitFor();
    expect(await card.getByTestId('evidence').textContent()).toContain('passed');
    expect(await viewer.getByRole('button', { name: /^(Approve|Reject)/ }).count()).toBe(0);
    expect(await card.textContent()).toContain('Only approvers and admins decide.');
    const answer = await viewer.evaluate(async (id) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as any;
      const res = await fetch(`/api/v1/rollouts/${id}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ tier: 'staging', comment: 'let me in' }),
      });
      return { status: res.status, body: (await res.json()) as any };
    }, rolloutId);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('auth.role_required');
    expect((await api.call('GET', `/api/v1/rollouts/${rolloutId}`, { role: 'viewer' })).body.status).toBe('waiting_approval');
  }, 30000);

  it('lets an approver approve staging with a comment, and the open rollout page moves on without a reload', async () => {
    const stagingSteps = operator.locator('[data-testid="stage"][data-tier="staging"] [data-testid="step"]');
    const first = stagingSteps.first();
    const namespace = await first.getAttribute('data-namespace');
    expect(await first.locator('.phase').textContent()).toBe('pending');
    const urlBefore = operator.url();
    // A viewer's page whose event stream is cut (a proxy that buffers, say): it falls back to polling, and says so.
    await viewer.route(/\/events(\?|$)/, (route) => route.abort());
    await viewer.goto(urlBefore);
    await viewer.getByTestId('liveness').filter({ hasText: 'Reconnecting · checking every 2 s' }).waitFor();
    expect(await viewer.getByRole('button', { name: /^(Pause|Resume|Abort|Roll back|Start)/ }).count()).toBe(0);

    const approver = await signedIn('approver-user');
    expect(await approver.getByTestId('approvals-count').textContent()).toBe('1');
    await nav(approver, 'Approvals').click();
    const card = approver.locator(`[data-testid="approval"][data-rollout="${rolloutId}"][data-tier="staging"]`);
    await card.getByLabel('Comment (kept in the audit log)').fill('dev probes all green');
    await card.getByRole('button', { name: 'Approve staging' }).click();
    await approver.getByText('Staging of plan v1 approved: it starts now.').waitFor();
    await approver.getByText('Nothing waits for an approval').waitFor();

    // The operator's page, untouched since: the first staging namespace leaves `pending` on screen.
    const moved = operator.locator(
      `[data-testid="stage"][data-tier="staging"] [data-testid="step"][data-namespace="${namespace}"]:not([data-phase="pending"])`,
    );
    await moved.waitFor({ timeout: 20000 });
    expect(await moved.locator('.phase').textContent()).not.toBe('pending');
    expect(await operator.getByTestId('decision').textContent()).toContain('Approved by approver-user');
    expect(await operator.getByTestId('decision').textContent()).toContain('dev probes all green');
    expect(operator.url()).toBe(urlBefore);
    expect(await operator.evaluate(() => (globalThis as any).__bulkheadNoReload)).toBe(true);
    // The polling page catches up too.
    await viewer
      .locator(`[data-testid="stage"][data-tier="staging"] [data-testid="step"][data-namespace="${namespace}"]:not([data-phase="pending"])`)
      .waitFor({ timeout: 10000 });

    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.stage.approve`, { role: 'viewer' })).body
      .items;
    expect(JSON.stringify(audit)).toContain('dev probes all green');
  }, 40000);
});
