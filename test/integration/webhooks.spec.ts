import { PostgresAuditLog, writeAudit } from '@bulkhead/persistence';
import { verifyWebhookSignature } from '@bulkhead/platform';
import { type Role, routes } from '@bulkhead/contracts';
import { only } from '../support/only';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { type Harness, startApi } from './support/harness';

/**
 * Webhook notifications end to end, on real PostgreSQL and Redis, to a local receiver: configuration
 * through the API (secret sealed, never answered), the outbox written with the change that notifies,
 * signed deliveries, retries after 5xx, giving up, one delivery per idempotency key, and a secret that
 * appears in no answer and no log line.
 */
const SECRET = 'whsec-test-0123456789-abcdefghij';
const ROLLOUT_ID = '7a0c3f6e-1111-4a2b-9c3d-000000000001';
const ATTEMPTS = 3;

describe('webhook notifications', () => {
  let api: Harness;
  let clusterId: string;
  const logLines: string[] = [];
  const answers: Array<{ status: number; body: unknown }> = [];
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  const call: Harness['call'] = async (method, path, options) => {
    const res = await api.call(method, path, options);
    answers.push({ status: res.status, body: res.body });
    return res;
  };

  /** What the rollout store writes when a rollout halts: the audit entry, in the transaction of the change. */
  const halt = (version: number, message = 'payments: orders/orders-api -> payments/payments-api:8080 was blocked') =>
    new PostgresAuditLog(api.db).record({
      actor: 'system:rollout',
      action: 'rollout.status.halted',
      clusterId,
      target: ROLLOUT_ID,
      details: { rolloutId: ROLLOUT_ID, version, from: 'running', code: 'probe_failed', message },
    });

  const createWebhook = async (body: Record<string, unknown>) => {
    const res = await call('POST', `/api/v1/clusters/${clusterId}/webhooks`, { body: { secret: SECRET, ...body } });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  const deliveries = async (webhookId: string) =>
    (await call('GET', `/api/v1/clusters/${clusterId}/webhooks/${webhookId}/deliveries`)).body as Array<Record<string, any>>;

  const settled = (webhookId: string, count: number) =>
    api.waitFor(
      () => deliveries(webhookId),
      (list) => list.length === count && list.every((d) => d.status !== 'pending'),
      40_000,
    );

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    api = await startApi(
      { LOG_LEVEL: 'debug', BULKHEAD_WEBHOOK_ALLOW_LOOPBACK: 'true', BULKHEAD_WEBHOOK_ATTEMPTS: String(ATTEMPTS) },
      { worker: true, log: (line) => logLines.push(line) },
    );
    clusterId = (await call('POST', '/api/v1/clusters', { body: { name: 'hooked', cni: 'calico' } })).body.id;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await receiver?.close();
  });

  beforeEach(() => receiver.answerWith(() => 200));

  afterEach(async () => {
    // one test's endpoints must not receive the next test's events
    for (const webhook of (await api.call('GET', `/api/v1/clusters/${clusterId}/webhooks`)).body)
      await api.call('DELETE', `/api/v1/clusters/${clusterId}/webhooks/${webhook.id}`);
    receiver.received.length = 0;
  });

  it('is configured by an admin; the answer says a secret is set, and the secret is stored sealed', async () => {
    const created = await call('POST', `/api/v1/clusters/${clusterId}/webhooks`, {
      body: { url: receiver.url, events: ['rollout.halted', 'approval.needed'], format: 'slack', secret: SECRET },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      clusterId,
      url: receiver.url,
      events: ['rollout.halted', 'approval.needed'],
      format: 'slack',
      secretSet: true,
    });
    expect(created.body).not.toHaveProperty('secret');
    expect(routes.createWebhook.response.safeParse(created.body).error).toBeUndefined();
    const [stored] = await api.db.query(`SELECT sealed_secret FROM webhook_endpoints WHERE id = $1`, [created.body.id]);
    expect(Buffer.from(stored.sealed_secret).toString('latin1')).not.toContain(SECRET);

    const changed = await call('PATCH', `/api/v1/clusters/${clusterId}/webhooks/${created.body.id}`, {
      body: { events: ['drift.found'], secret: `${SECRET}-rotated` },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ events: ['drift.found'], secretSet: true });
    const listed = (await call('GET', `/api/v1/clusters/${clusterId}/webhooks`)).body;
    expect(listed).toEqual([changed.body]);
    expect(routes.listWebhooks.response.safeParse(listed).error).toBeUndefined();
  });

  it.each<[Role]>([['viewer'], ['operator'], ['approver']])('refuses a %s, reads included', async (role) => {
    const body = { url: receiver.url, events: ['rollout.halted'], secret: SECRET };
    expect((await call('POST', `/api/v1/clusters/${clusterId}/webhooks`, { role, body })).status).toBe(403);
    expect((await call('GET', `/api/v1/clusters/${clusterId}/webhooks`, { role })).status).toBe(403);
  });

  it.each([
    ['http to a name that is not loopback', { url: 'http://hooks.example.com/x' }, 'body.url'],
    ['the cloud metadata address', { url: 'https://169.254.169.254/latest/meta-data' }, 'body.url'],
    ['the metadata address as an IPv4-mapped IPv6 address', { url: 'https://[::ffff:a9fe:a9fe]/x' }, 'body.url'],
    ['credentials in the URL', { url: 'https://user:pw@hooks.example.com/x' }, 'body.url'],
    ['an unknown event', { events: ['rollout.started'] }, 'body.events[0]'],
    ['no event', { events: [] }, 'body.events'],
    ['a short secret', { secret: 'short' }, 'body.secret'],
    ['an unknown format', { format: 'teams' }, 'body.format'],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_case, change, field) => {
    const res = await call('POST', `/api/v1/clusters/${clusterId}/webhooks`, {
      body: { url: receiver.url, events: ['rollout.halted'], secret: SECRET, ...change },
    });
    expect(res.status).toBe(400);
    expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(await api.db.query(`SELECT id FROM webhook_endpoints`)).toEqual([]);
  });

  it('delivers a halt, signed over "<timestamp>.<body>", with the reason', async () => {
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await halt(4);
    const delivery = only(await settled(webhook.id, 1));
    expect(delivery).toMatchObject({ event: 'rollout.halted', status: 'delivered', attempts: 1, lastStatus: 200, lastError: null });
    expect(routes.listWebhookDeliveries.response.safeParse([delivery]).error).toBeUndefined();

    const request = only(receiver.received);
    expect(request.headers['x-bulkhead-idempotency-key']).toBe(delivery.idempotencyKey);
    expect(request.headers['x-bulkhead-event']).toBe('rollout.halted');
    const signature = String(request.headers['x-bulkhead-signature']);
    expect(signature).toMatch(/^t=\d+, v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, signature, request.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifyWebhookSignature('another-secret-of-enough-length', signature, request.body, Math.floor(Date.now() / 1000))).toBe(false);

    const body = JSON.parse(request.body);
    expect(body).toMatchObject({
      id: delivery.idempotencyKey,
      event: 'rollout.halted',
      cluster: { id: clusterId, name: 'hooked' },
      rollout: { id: ROLLOUT_ID, version: 4 },
      halt: { code: 'probe_failed', message: expect.stringContaining('was blocked') },
    });
    // The actions are the rollout's own (webhooks-halt-actions.spec.ts); this halt is only an audit entry, so none.
    expect(body.nextActions).toEqual([]);
  });

  it('sends the Slack variant (text and blocks) to a Slack-format endpoint', async () => {
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'], format: 'slack' });
    await halt(5);
    await settled(webhook.id, 1);
    const body = JSON.parse(only(receiver.received).body);
    expect(body.text).toContain('halted');
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
  });

  it('notifies only the events an endpoint chose, on its own cluster', async () => {
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.completed'] });
    await halt(6);
    await new PostgresAuditLog(api.db).record({
      actor: 'system:rollout',
      action: 'rollout.status.completed',
      clusterId: null,
      target: ROLLOUT_ID,
    });
    await new PostgresAuditLog(api.db).record({
      actor: 'system:rollout',
      action: 'rollout.status.completed',
      clusterId,
      target: ROLLOUT_ID,
      details: { rolloutId: ROLLOUT_ID, version: 7, from: 'running' },
    });
    const list = await settled(webhook.id, 1);
    expect(list.map((d) => d.event)).toEqual(['rollout.completed']);
  });

  it('writes the outbox with the change: a change rolled back notifies nobody', async () => {
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await api.db
      .transaction(async (em) => {
        await writeAudit(em, { actor: 'system:rollout', action: 'rollout.status.halted', clusterId, target: ROLLOUT_ID, details: {} });
        throw new Error('the change fails after its audit entry');
      })
      .catch(() => undefined);
    await halt(8);
    const list = await settled(webhook.id, 1);
    expect(list).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries after 500s with back-off, sending the same body under the same key, until the receiver takes it', async () => {
    receiver.answerWith((_request, index) => (index < 2 ? 500 : 200));
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await halt(9);
    const delivery = only(await settled(webhook.id, 1));
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['x-bulkhead-idempotency-key']))).toEqual(new Set([delivery.idempotencyKey]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    // exponential back-off: 2 s, then 4 s
    const [first, second, third] = receiver.received;
    if (!first || !second || !third) throw new Error(`expected three tries, got ${receiver.received.length}`);
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    expect(third.at - second.at).toBeGreaterThanOrEqual(3900);
  }, 60_000);

  it('gives up after its last attempt, and records it', async () => {
    receiver.answerWith(() => 503);
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await halt(10);
    const delivery = only(await settled(webhook.id, 1));
    expect(delivery).toMatchObject({
      status: 'failed',
      attempts: ATTEMPTS,
      lastStatus: 503,
      lastError: expect.stringContaining('given up'),
    });
    expect(delivery.finishedAt).not.toBeNull();
    expect(receiver.received).toHaveLength(ATTEMPTS);
  }, 60_000);

  it('does not retry what the receiver refuses (a 4xx)', async () => {
    receiver.answerWith(() => 410);
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await halt(11);
    const delivery = only(await settled(webhook.id, 1));
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 410 });
    expect(receiver.received).toHaveLength(1);
  });

  it('sends one delivery once per idempotency key, however often its job is asked for', async () => {
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await halt(12);
    const delivery = only(await settled(webhook.id, 1));
    const jobs = api.runtime.queues;
    const { BullJobQueue } = await import('@bulkhead/jobs');
    const queue = new BullJobQueue(jobs);
    // a relay that runs again, a recovery pass, a replayed job: the same key each time
    await queue.enqueue('webhook.deliver', { v: 1, idempotencyKey: delivery.idempotencyKey });
    await queue.restoreIfLost('webhook.deliver', { v: 1, idempotencyKey: delivery.idempotencyKey });
    await api.db.query(`UPDATE webhook_deliveries SET queued_at = NULL WHERE idempotency_key = $1`, [delivery.idempotencyKey]);
    // the same event cannot make a second row for the endpoint
    await expect(
      api.db.query(
        `INSERT INTO webhook_deliveries (endpoint_id, event, audit_position, idempotency_key) VALUES ($1, 'rollout.halted', 1, $2)`,
        [webhook.id, delivery.idempotencyKey],
      ),
    ).rejects.toThrow(/uq_webhook_deliveries_idempotency_key/);
    await new Promise((r) => setTimeout(r, 3000));
    expect(receiver.received).toHaveLength(1);
    expect(await deliveries(webhook.id)).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
  });

  it('never shows the secret: in no answer, no log line and no audit entry', async () => {
    const webhook = await createWebhook({ url: receiver.url, events: ['rollout.halted'] });
    await call('PATCH', `/api/v1/clusters/${clusterId}/webhooks/${webhook.id}`, { body: { secret: SECRET } });
    await halt(13);
    await settled(webhook.id, 1);
    await call('GET', `/api/v1/audit?action=webhook.`);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((line) => line.includes(SECRET))).toEqual([]);
    expect(answers.filter((a) => JSON.stringify(a.body).includes(SECRET))).toEqual([]);
    const audit = await api.db.query(`SELECT details FROM audit_log WHERE action LIKE 'webhook.%'`);
    expect(audit.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain('/hooks/bulkhead');
  });
});
