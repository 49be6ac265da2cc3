import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, seedDemoCluster, startApi, TEST_REDIS_URL } from '../integration/support/harness';
import { exited, stop } from '../support/child-processes';

/**
 * The crash guarantee: the worker is killed with SIGKILL at one point of a rollout (after a committed
 * transition, after a snapshot, an apply, a probe batch or a restore), a fresh worker takes over, and
 * every namespace still ends verified or restored exactly, with no step applied or restored twice on
 * the record. Then the rollout is rolled back and every namespace is as it was before.
 */
const root = join(__dirname, '..', '..');
const workerMain = join(root, 'dist', 'apps', 'worker', 'src', 'main.js');
/** The same worker, with a hook that kills it at a checkpoint (test/support/crash-worker.ts). */
const crashWorker = join(root, 'dist', 'test', 'support', 'crash-worker.js');
const NAMESPACES = ['cart-dev', 'kafka-dev', 'orders-dev', 'payments-dev', 'redis-dev'];
/** In the last wave (most dependents): its apply always fails, so every run also goes through a restore. */
const FAILING = 'redis-dev';
const CONFIG = { waves: [2, 3], settleMs: 0, restoreRetryMs: 200, probe: { retries: 0, timeoutMs: 500, retryDelayMs: 0 } };
const TRANSIENT = ['snapshotted', 'applied', 'settled', 'probed', 'restoring'];

const KILL_POINTS = process.env.CRASH_POINTS
  ? process.env.CRASH_POINTS.split(',')
  : [
      'transition:1',
      'transition:4',
      'transition:8',
      'driver.snapshotNamespace:1',
      'driver.applyPolicies:1',
      'driver.applyPolicies:3',
      'driver.runProbes:1',
      'driver.runProbes:3',
      'driver.restoreNamespace:1',
      'transition:12',
    ];

let api: Harness;
let clusterId: string;
let planId: string;
let original: Map<string, string>;

/** A worker process; with `crashAt` (`<checkpoint>:<n>`), one that SIGKILLs itself at the nth pass through the checkpoint. */
function worker(crashAt?: string): ChildProcess {
  return spawn(process.execPath, crashAt ? [crashWorker, crashAt] : [workerMain], {
    cwd: root,
    stdio: process.env.CRASH_LOG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: api.config.database.url,
      REDIS_URL: TEST_REDIS_URL,
      BULKHEAD_QUEUE_PREFIX: api.queuePrefix,
      BULKHEAD_DATA_DIR: api.config.dataDir,
      LOG_LEVEL: process.env.CRASH_LOG ? 'info' : 'silent',
    },
  });
}

async function livePolicies(): Promise<Map<string, string>> {
  const rows = await api.db.query(`SELECT namespace, manifest FROM simulated_policies WHERE cluster_id = $1 ORDER BY namespace, name`, [
    clusterId,
  ]);
  const out = new Map<string, string>(NAMESPACES.map((ns) => [ns, '[]']));
  for (const ns of NAMESPACES) out.set(ns, JSON.stringify(rows.filter((r: any) => r.namespace === ns).map((r: any) => r.manifest)));
  return out;
}

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const settled = (r: any) =>
  !['running', 'rolling_back'].includes(r.status) &&
  !r.steps.some((s: any) => TRANSIENT.includes(s.phase) || (s.phase === 'pending' && s.startedAt));

beforeAll(async () => {
  if (![workerMain, crashWorker].every(existsSync)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
  await api.db.query(`UPDATE simulated_clusters SET faults = faults || $2 WHERE cluster_id = $1`, [
    clusterId,
    JSON.stringify({ applyFailures: [{ namespace: FAILING, times: 100_000 }] }),
  ]);
  await api.stopWorker();
  original = await livePolicies();
}, 90000);
afterAll(() => api.close());

describe.each(KILL_POINTS)('SIGKILL of the worker at %s', (point) => {
  it('ends with every namespace verified or restored exactly, then rolls back to the start', async () => {
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, namespaces: NAMESPACES, start: true, config: CONFIG },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const doomed = worker(point);
    const outcome = await exited(doomed, 30000);
    await stop(doomed);

    const survivor = worker();
    try {
      expect(outcome).toBe('SIGKILL');
      const end = await api
        .waitFor(() => rollout(id), settled, 100000)
        .catch(async (e) => {
          const r = await rollout(id);
          throw new Error(
            `${r.status}: ${JSON.stringify(r.steps.map((s: any) => [s.namespace, s.phase, s.startedAt ?? null, s.restore ?? null]))}`,
            { cause: e },
          );
        });
      expect(end.status).toBe('halted');
      expect(end.halt).toMatchObject({ code: 'apply_failed', namespace: FAILING });
      expect(end.steps.find((s: any) => s.namespace === FAILING).phase).toBe('restored');
      expect(end.steps.filter((s: any) => s.phase === 'verified').length).toBe(NAMESPACES.length - 1);
      const live = await livePolicies();
      for (const step of end.steps) {
        expect(['verified', 'restored', 'pending']).toContain(step.phase);
        if (step.phase === 'restored') expect(live.get(step.namespace)).toBe(JSON.stringify(step.snapshot.policies));
        if (step.phase === 'verified')
          expect(JSON.parse(live.get(step.namespace)!).map((p: any) => p.metadata.name)).toContain('bulkhead-default-deny');
        for (const probe of step.probes) expect(probe.attempts.length).toBeLessThanOrEqual(CONFIG.probe.retries + 1);
      }
      const audit = (
        await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.step.&limit=500`, { role: 'viewer' })
      ).body.items.filter((e: any) => e.details.rolloutId === id);
      for (const action of ['rollout.step.policies_applied', 'rollout.step.policies_restored']) {
        const perStep = new Map<string, number>();
        for (const e of audit.filter((a: any) => a.action === action))
          perStep.set(e.details.stepId, (perStep.get(e.details.stepId) ?? 0) + 1);
        for (const [, n] of perStep) expect(n).toBe(1);
      }

      expect(
        (await api.call('POST', `/api/v1/rollouts/${id}/rollback`, { role: 'operator', body: { scope: { kind: 'all' } } })).status,
      ).toBe(200);
      const back = await api.waitFor(
        () => rollout(id),
        (r) => settled(r) && ['rolled_back', 'aborted'].includes(r.status),
        60000,
      );
      expect(back.status).toBe('rolled_back');
      expect(await livePolicies()).toEqual(original);
    } finally {
      // Whatever happened, leave the cluster free for the next kill point.
      const r = await rollout(id);
      if (['halted', 'running', 'waiting_approval', 'paused'].includes(r.status)) {
        await api.call('POST', `/api/v1/rollouts/${id}/abort`, { role: 'operator', body: {} });
        await api
          .waitFor(
            () => rollout(id),
            (x) => settled(x) && ['aborted', 'rolled_back'].includes(x.status),
            60000,
          )
          .catch(() => undefined);
      }
      await stop(survivor);
    }
  }, 240000);
});
