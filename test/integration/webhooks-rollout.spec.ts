import { PostgresDriftStore, PostgresRolloutStore } from '@bulkhead/persistence';
import type { DriftCheck } from '@bulkhead/rollout';
import { verifyWebhookSignature } from '@bulkhead/platform';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * Notifications from a real rollout of the demo: the rollout store writes each change with its audit
 * entries in one statement, and the outbox rows with them. The staging gate asks for an approval, a
 * rejection halts the rollout, and the receiver hears about both, signed, with the calls that can follow.
 */
const SECRET = 'whsec-rollout-0123456789-abcdefgh';
const FAST = { waves: [8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } };

let api: Harness;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let clusterId: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  api = await startApi({ BULKHEAD_WEBHOOK_ALLOW_LOOPBACK: 'true' }, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 90_000);
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

const received = (event: string) => receiver.received.filter((r) => r.headers['x-bulkhead-event'] === event);

it('tells the receiver that staging waits for an approver, then that the rejected rollout halted', async () => {
  const created = await api.call('POST', `/api/v1/clusters/${clusterId}/webhooks`, {
    body: { url: receiver.url, events: ['approval.needed', 'rollout.halted', 'rollout.completed', 'drift.found'], secret: SECRET },
  });
  expect(created.status).toBe(201);
  const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body as Array<{
    name: string;
    tier: string;
  }>;
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const rollout = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      exclude: await untieredExclusions(api, plan.id),
      namespaces: namespaces.filter((ns) => ns.tier === 'dev' || ns.tier === 'staging').map((ns) => ns.name),
      start: true,
      config: FAST,
    },
  });
  expect(rollout.status).toBe(201);
  const rolloutId = rollout.body.id;

  await api.waitFor(
    async () => received('approval.needed').length,
    (n) => n === 1,
    90_000,
  );
  const asked = received('approval.needed')[0]!;
  expect(verifyWebhookSignature(SECRET, String(asked.headers['x-bulkhead-signature']), asked.body, Math.floor(Date.now() / 1000))).toBe(
    true,
  );
  expect(JSON.parse(asked.body)).toMatchObject({
    event: 'approval.needed',
    rollout: { id: rolloutId },
    tier: 'staging',
    nextActions: [
      expect.objectContaining({ action: 'approve', path: `/api/v1/rollouts/${rolloutId}/approve`, body: { tier: 'staging' } }),
      expect.objectContaining({ action: 'reject', path: `/api/v1/rollouts/${rolloutId}/reject`, body: { tier: 'staging' } }),
    ],
  });

  const rejected = await api.call('POST', `/api/v1/rollouts/${rolloutId}/reject`, {
    role: 'approver',
    body: { tier: 'staging', comment: 'not this week' },
  });
  expect(rejected.status).toBe(200);
  await api.waitFor(
    async () => received('rollout.halted').length,
    (n) => n === 1,
    30_000,
  );
  const halted = JSON.parse(received('rollout.halted')[0]!.body);
  expect(halted).toMatchObject({ event: 'rollout.halted', rollout: { id: rolloutId }, halt: { code: 'approval_rejected' } });
  // A rejected stage leaves the rollout two actions (see nextActionsOf), each with its call.
  expect(halted.nextActions).toEqual([
    expect.objectContaining({
      action: 'rollback',
      method: 'POST',
      path: `/api/v1/rollouts/${rolloutId}/rollback`,
      body: { scope: { kind: 'all' } },
    }),
    expect.objectContaining({
      action: 'abort',
      method: 'POST',
      path: `/api/v1/rollouts/${rolloutId}/abort`,
      body: { restore: 'in_flight' },
    }),
  ]);
  const view = (await api.call('GET', `/api/v1/rollouts/${rolloutId}`, { role: 'viewer' })).body;
  expect(halted.nextActions.map(({ method: _method, path: _path, body: _body, ...offered }: any) => offered)).toEqual(view.nextActions);
  expect(received('rollout.completed')).toEqual([]);

  const log = (await api.call('GET', `/api/v1/clusters/${clusterId}/webhooks/${created.body.id}/deliveries`)).body;
  expect(log.map((d: { event: string; status: string }) => [d.event, d.status])).toEqual([
    ['rollout.halted', 'delivered'],
    ['approval.needed', 'delivered'],
  ]);
}, 150_000);

it('tells of drift when a check finds it, and again only when the findings change', async () => {
  const [{ id: rolloutId, planId, planVersion }] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' }))
    .body.items;
  const drift = new PostgresDriftStore(api.db);
  const removed = { namespace: 'cart-dev', kind: 'policy_removed' as const, subject: 'default-deny', message: 'removed by hand' };
  const changed = { namespace: 'cart-dev', kind: 'policy_changed' as const, subject: 'allow-dns', message: 'changed by hand' };
  const check = (findings: DriftCheck['findings'], minute: number) =>
    drift.record({
      clusterId,
      rolloutId,
      planId,
      planVersion,
      checkedAt: new Date(Date.UTC(2026, 11, 1, 0, minute)),
      namespaces: 3,
      findings,
    });
  await check([removed], 0);
  await check([removed], 10); // the same drift, found again: not news
  await check([removed, changed], 20);
  await check([], 30); // nothing found: no audit entry, nothing to tell
  await check([removed, changed], 40); // found again after a clean check: news again
  await api.waitFor(
    async () => received('drift.found').length,
    (n) => n === 3,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 1500));
  // Deliveries run side by side and may arrive in any order: put them in the audit log's, which their ids carry.
  const auditPosition = (id: string) => Number(/\.(\d+)\./.exec(id)![1]);
  const told = received('drift.found')
    .map((r) => JSON.parse(r.body))
    .sort((a, b) => auditPosition(a.id) - auditPosition(b.id));
  expect(told.map((n) => n.findings.length)).toEqual([1, 2, 2]);
}, 60_000);

it('tells of a stalled rollout once per version of it, to the endpoints that asked for stalls', async () => {
  const created = await api.call('POST', `/api/v1/clusters/${clusterId}/webhooks`, {
    body: { url: receiver.url, events: ['rollout.stalled'], secret: SECRET },
  });
  expect(created.status).toBe(201);
  const [{ id: rolloutId }] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
  const store = new PostgresRolloutStore(api.db);
  const state = (await store.get(rolloutId))!;
  const stall = { since: '2026-12-01T00:00:00.000Z', deadlineMs: 180_000, reason: 'cart-dev applied, not probed' };
  expect(await store.recordStall(state, stall)).toBe(true);
  expect(await store.recordStall(state, stall)).toBe(false); // the same version stalls once
  await api.waitFor(
    async () => received('rollout.stalled').length,
    (n) => n === 1,
    30_000,
  );
  await new Promise((r) => setTimeout(r, 1500));
  expect(received('rollout.stalled').map((r) => JSON.parse(r.body))).toMatchObject([
    { event: 'rollout.stalled', rollout: { id: rolloutId, version: state.version }, stall: { reason: stall.reason } },
  ]);
}, 60_000);
