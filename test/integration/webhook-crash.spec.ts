import { PostgresAuditLog } from '@bulkhead/persistence';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWebhookReceiver } from '../support/webhook-receiver';
import { type Harness, startApi, TEST_REDIS_URL } from './support/harness';

/**
 * At least once: a worker SIGKILLed while the receiver holds its delivery open loses nothing. The next
 * worker takes the job over once its lock lapses and sends it again, under the same idempotency key and
 * with the same body, so the receiver can tell it is the same delivery. Needs `npm run build` (the worker
 * runs as the built process, as in production).
 */
const root = join(__dirname, '..', '..');
const workerMain = join(root, 'dist', 'apps', 'worker', 'src', 'main.js');
const SECRET = 'whsec-crash-0123456789-abcdefghij';

describe('webhook delivery when the worker is killed mid-delivery', () => {
  let api: Harness;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const workerLog: string[] = [];
  const workers: ChildProcess[] = [];

  const startWorker = () => {
    const child = spawn(process.execPath, [workerMain], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: api.config.database.url,
        REDIS_URL: TEST_REDIS_URL,
        BULKHEAD_QUEUE_PREFIX: api.queuePrefix,
        // the same data folder, so the same key opens the secret the API sealed
        BULKHEAD_DATA_DIR: api.config.dataDir,
        BULKHEAD_WEBHOOK_ALLOW_LOOPBACK: 'true',
        LOG_LEVEL: 'debug',
      },
    });
    child.stdout.on('data', (chunk: Buffer) => workerLog.push(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => workerLog.push(chunk.toString('utf8')));
    workers.push(child);
    return child;
  };

  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );

  beforeAll(async () => {
    if (!existsSync(workerMain)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    receiver = await startWebhookReceiver();
    api = await startApi({ BULKHEAD_WEBHOOK_ALLOW_LOOPBACK: 'true' });
  }, 60_000);

  afterAll(async () => {
    for (const child of workers) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
    }
    await api?.close();
    await receiver?.close();
  });

  it('delivers after the SIGKILL, under the same key, and records one attempt', async () => {
    const clusterId = (await api.call('POST', '/api/v1/clusters', { body: { name: 'crashing', cni: 'calico' } })).body.id;
    const webhook = (
      await api.call('POST', `/api/v1/clusters/${clusterId}/webhooks`, {
        body: { url: receiver.url, events: ['rollout.completed'], secret: SECRET },
      })
    ).body;
    receiver.answerWith(() => 'hang');
    const first = startWorker();
    await new PostgresAuditLog(api.db).record({
      actor: 'system:rollout',
      action: 'rollout.status.completed',
      clusterId,
      target: 'a-rollout',
      details: { rolloutId: 'a-rollout', version: 12, from: 'running' },
    });
    await api.waitFor(
      async () => receiver.received.length,
      (n) => n === 1,
      30_000,
    );
    first.kill('SIGKILL');
    await exited(first);
    const [stranded] = await api.db.query(`SELECT status, attempts FROM webhook_deliveries`);
    expect(stranded).toEqual({ status: 'pending', attempts: 0 });

    receiver.answerWith(() => 200);
    startWorker();
    const [delivery] = await api.waitFor(
      async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/webhooks/${webhook.id}/deliveries`)).body,
      (list: Array<{ status: string; idempotencyKey: string }>) => list[0]?.status === 'delivered',
      60_000,
    );
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(receiver.received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(receiver.received.map((r) => r.headers['x-bulkhead-idempotency-key']))).toEqual(new Set([delivery!.idempotencyKey]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(workerLog.join('')).not.toContain(SECRET);
  }, 120_000);
});
