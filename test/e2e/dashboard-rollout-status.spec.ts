import type { Page } from 'playwright-core';
import { untieredExclusions } from '../integration/support/harness';
import { demoDashboardPerFile, signedInPage } from './support/browser';

/**
 * Status that cannot lie: rollouts on the simulated driver are driven through every resting state
 * (waiting for approval, completed, halted, rolled back, paused, aborted, waiting for a window), and in
 * each the rollout page (its status, its progress line, each stage's badge and counts) must say what
 * the API says of the same rollout: its status from GET /rollouts/{id}, the stages' badges and counts
 * from the list's summary, which counts them in SQL rather than from the steps.
 */
const demo = demoDashboardPerFile();
const FAST = { waves: [8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } };
// The demo's hidden dependency: notifications-staging's worker calls payments-staging's API, which no plan allows yet.
const HIDDEN = ['notifications-staging', 'payments-staging'];

let page: Page;
let list: Page;
let clusterId: string;

beforeAll(async () => {
  [{ id: clusterId }] = (await demo.api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body;
  const signedIn = await signedInPage(demo.dashboard, 'viewer-user');
  page = signedIn.page;
  list = await signedIn.context.newPage();
}, 30000);

interface Shown {
  status: string;
  /** whether the page says "Halted" in its alert */
  halted: boolean;
  progress: string;
  stages: Array<{ tier: string; badge: string; count: string }>;
}

const words = (status: string) => status.replace(/_/g, ' ');

interface Summary {
  status: string;
  namespaces: number;
  phases: Record<string, number>;
  excluded: unknown[];
  stages: Array<{ tier: string; display: string; namespaces: number; phases: Record<string, number> }>;
}

/** What the API says, in the page's words, and the list's summary it comes from. */
async function fromApi(id: string): Promise<Shown & { summary: Summary }> {
  const state = (await demo.api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
  const list = (await demo.api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}&limit=100`, { role: 'viewer' })).body.items;
  const summary: Summary = list.find((item: { id: string }) => item.id === id);
  const restored = (summary.phases.restored ?? 0) + (summary.phases.restoring ?? 0);
  const underWay = ['snapshotted', 'applied', 'settled', 'probed'].reduce((sum, phase) => sum + (summary.phases[phase] ?? 0), 0);
  const verified = summary.phases.verified ?? 0;
  return {
    status: words(state.status),
    halted: state.status === 'halted',
    progress: [
      `${verified} of ${summary.namespaces} namespaces verified`,
      underWay > 0 ? ` · ${underWay} under way` : '',
      restored > 0 ? ` · ${restored} put back` : '',
      summary.excluded.length > 0 ? ` · ${summary.excluded.length} excluded` : '',
    ].join(''),
    stages: summary.stages.map((stage) => ({
      tier: stage.tier,
      badge: words(stage.display),
      count: `${stage.phases.verified ?? 0}/${stage.namespaces}`,
    })),
    summary,
  };
}

/** What the rollout page shows. */
async function onPage(): Promise<Shown> {
  const stages = page.getByTestId('stage');
  const shown: Shown['stages'] = [];
  for (let i = 0; i < (await stages.count()); i++) {
    const stage = stages.nth(i);
    shown.push({
      tier: (await stage.getAttribute('data-tier')) ?? '',
      badge: (await stage.getByTestId('stage-badge').textContent()) ?? '',
      count: ((await stage.getByTestId('stage-count').textContent()) ?? '').trim(),
    });
  }
  return {
    status: (await page.getByTestId('rollout-status').textContent()) ?? '',
    halted: (await page.getByTestId('halt').count()) > 0,
    progress: (await page.getByTestId('progress').textContent()) ?? '',
    stages: shown,
  };
}

/** What a stage is said to be doing in the list's "Now" column, as the stage's badge would say it. */
const NOW_CLAIMS: Record<string, string> = {
  'in progress': 'running',
  'waits for an approval': 'waiting_approval',
  'waits for a window': 'waiting_window',
  'is paused': 'paused',
};
const TIER_OF: Record<string, string> = { Development: 'dev', Staging: 'staging', Production: 'prod' };

/**
 * The rollout's row on the list page, read fresh: its status and progress as the summary says, and a
 * "Now" that claims of a stage only what the stage's badge says.
 */
async function listAgrees(id: string, summary: Summary): Promise<void> {
  await list.goto(`${demo.dashboard.baseUrl}/rollouts`);
  const cells = list
    .getByTestId('rollout-row')
    .filter({ hasText: id.slice(0, 8) })
    .locator('td');
  await cells.first().waitFor();
  const excluded = summary.excluded.length > 0 ? ` · ${summary.excluded.length} excluded` : '';
  expect([await cells.nth(2).textContent(), await cells.nth(3).textContent()]).toEqual([
    words(summary.status),
    `${summary.phases.verified ?? 0}/${summary.namespaces}${excluded}`,
  ]);
  const now = (await cells.nth(4).textContent()) ?? '';
  if (now.startsWith('Halted')) expect([now, summary.status]).toEqual([now, 'halted']);
  const claim = /^(Development|Staging|Production) (.+)$/.exec(now);
  if (!claim) return;
  const stage = summary.stages.find((candidate) => candidate.tier === TIER_OF[claim[1]!]);
  expect([now, stage?.display]).toEqual([now, NOW_CLAIMS[claim[2]!]]);
}

/**
 * Waits until the API says `status` of rollout `id`, then until the rollout page (open on it, and live)
 * agrees with the API read at the same moment, failing with both when they still differ after 15 s;
 * then checks the list page. Answers the stages' badges as the API gives them.
 */
async function agree(id: string, status: string): Promise<string[]> {
  await demo.api.waitFor(
    async () => (await demo.api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body,
    (r) => r.status === status && !r.steps.some((s: { phase: string }) => s.phase === 'restoring'),
    30000,
  );
  if (!page.url().endsWith(`/rollouts/${id}`)) await page.goto(`${demo.dashboard.baseUrl}/rollouts/${id}`);
  await page.getByTestId('stage').first().waitFor();
  const deadline = Date.now() + 15000;
  for (;;) {
    const { summary, ...api } = await fromApi(id);
    const shown = await onPage();
    if (JSON.stringify(shown) === JSON.stringify(api) || Date.now() > deadline) {
      expect(shown).toEqual(api);
      expect(api.status).toBe(words(status));
      await listAgrees(id, summary);
      return summary.stages.map((stage) => stage.display);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function newRollout(body: Record<string, unknown>, leaveOut: string[] = []): Promise<string> {
  const plan = (await demo.api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const exclude = [
    ...(await untieredExclusions(demo.api, plan.id)),
    ...leaveOut.map((namespace) => ({ namespace, reason: 'left out by the status test' })),
  ];
  const created = await demo.api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId: plan.id, exclude, ...body } });
  expect(created.status).toBe(201);
  return created.body.id;
}

const act = async (id: string, action: string, body: unknown, role: 'operator' | 'approver' = 'operator') =>
  expect((await demo.api.call('POST', `/api/v1/rollouts/${id}/${action}`, { role, body })).status).toBe(200);

it('waiting for approval, then completed', async () => {
  const id = await newRollout({ start: true, config: FAST }, HIDDEN);
  expect(await agree(id, 'waiting_approval')).toEqual(['completed', 'waiting_approval', 'pending']);
  await act(id, 'approve', { tier: 'staging' }, 'approver');
  expect(await agree(id, 'waiting_approval')).toEqual(['completed', 'completed', 'waiting_approval']);
  await act(id, 'approve', { tier: 'prod' }, 'approver');
  expect(await agree(id, 'completed')).toEqual(['completed', 'completed', 'completed']);
}, 60000);

it('halted on the hidden dependency, then rolled back', async () => {
  const id = await newRollout({ start: true, config: FAST });
  await agree(id, 'waiting_approval');
  await act(id, 'approve', { tier: 'staging' }, 'approver');
  expect(await agree(id, 'halted')).toEqual(['completed', 'halted', 'pending']);
  await act(id, 'rollback', { scope: { kind: 'all' } });
  expect(await agree(id, 'rolled_back')).toEqual(['rolled_back', 'rolled_back', 'not_started']);
}, 60000);

it('paused while its first stage settles, then aborted', async () => {
  const id = await newRollout({ start: true, config: { ...FAST, settleMs: 60000 } });
  await act(id, 'pause', {});
  expect((await agree(id, 'paused'))[0]).toBe('paused');
  await act(id, 'abort', { restore: 'in_flight' });
  expect(await agree(id, 'aborted')).toEqual(['aborted', 'not_started', 'not_started']);
}, 60000);

it('waiting for a window that opens on New Year’s night', async () => {
  const newYear = { kind: 'cron', name: 'new year', expression: '0 3 1 1 *', durationMinutes: 60, timeZone: 'UTC' };
  const id = await newRollout({ start: true, config: { ...FAST, windows: { dev: [newYear] } } });
  expect(await agree(id, 'waiting_window')).toEqual(['waiting_window', 'pending', 'pending']);
}, 60000);
