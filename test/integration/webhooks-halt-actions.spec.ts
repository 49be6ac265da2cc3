import { startWebhookReceiver } from '../support/webhook-receiver';
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * A halt on a failed probe, told to a generic JSON endpoint and a Slack one: both carry the rollout's own
 * next actions, as GET /rollouts/{id} lists them, each with the call that takes it. A newer plan version
 * made before the halt makes `continue` one of them.
 */
const SECRET = 'whsec-halt-actions-0123456789-abcd';
const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };

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

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;

it("tells of a probe-failure halt with the rollout's next actions and their calls, in JSON and for Slack", async () => {
  for (const format of ['json', 'slack'])
    expect(
      (
        await api.call('POST', `/api/v1/clusters/${clusterId}/webhooks`, {
          body: { url: receiver.url, events: ['rollout.halted'], format, secret: SECRET },
        })
      ).status,
    ).toBe(201);
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: true, config: FAST },
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  await api.waitFor(
    () => rollout(id),
    (r) => r.status === 'waiting_approval',
    90_000,
  );
  const newer = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  expect(newer.version).toBe(plan.version + 1);
  expect((await api.call('POST', `/api/v1/rollouts/${id}/approve`, { role: 'approver', body: { tier: 'staging' } })).status).toBe(200);

  await api.waitFor(
    async () => receiver.received.length,
    (n) => n === 2,
    120_000,
  );
  const bodies = receiver.received.map((r) => JSON.parse(r.body));
  const json = bodies.find((body) => body.event === 'rollout.halted');
  const slack = bodies.find((body) => Array.isArray(body.blocks));
  expect(json).toMatchObject({ rollout: { id }, halt: { code: 'probe_failed' } });

  const view = await rollout(id);
  expect(view.status).toBe('halted');
  expect(json.nextActions.map(({ method: _method, path: _path, body: _body, ...offered }: any) => offered)).toEqual(view.nextActions);
  const calls = new Map(json.nextActions.map((a: any) => [a.action, [a.method, a.path, a.body]]));
  expect([...calls.keys()]).toEqual(['continue', 'declare-dependency', 'retry', 'skip', 'rollback', 'abort']);
  const stopped = view.nextActions.find((a: any) => a.action === 'retry').namespace;
  expect(calls.get('continue')).toEqual(['POST', `/api/v1/rollouts/${id}/continue`, { planVersion: newer.version }]);
  expect(calls.get('retry')).toEqual(['POST', `/api/v1/rollouts/${id}/retry`, { namespace: stopped }]);

  const lines: string = slack.blocks[0].text.text;
  expect(slack.text).toContain(`Rollout ${id}`);
  for (const path of [`/api/v1/rollouts/${id}/continue`, `/api/v1/rollouts/${id}/retry`, `/api/v1/rollouts/${id}/declare-dependency`])
    expect(lines).toContain(`: POST ${path}`);

  // The call the notification names works as it stands: retrying the stopped namespace.
  const [method, path, body] = calls.get('retry') as [string, string, unknown];
  expect((await api.call(method, path, { role: 'operator', body })).status).toBe(200);
}, 240_000);
