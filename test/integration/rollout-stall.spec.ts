import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * A rollout that stops moving is said so: with no worker to carry it on, a running rollout passes its
 * deadline and shows up on readyz (still 200), in /metrics and on its own API answer with the reason.
 * A worker that comes back records the stall in the audit log once, and the rollout moves on.
 */
const STALL_SECONDS = 1;
const CONFIG = { waves: [1, 8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 0 } };

let api: Harness;
let planId: string;

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const readyz = () => api.call('GET', '/readyz', { role: null });
const stalledGauge = async () =>
  Number(/^bulkhead_rollouts_stalled (\d+)$/m.exec((await api.call('GET', '/metrics', { role: 'viewer' })).body)?.[1]);

beforeAll(async () => {
  api = await startApi({ BULKHEAD_ROLLOUT_STALL_SECONDS: String(STALL_SECONDS) }, { worker: true });
  const clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 60000);
afterAll(() => api.close());

describe('a rollout that makes no progress past its deadline', () => {
  let id: string;
  let stalledAt: number;

  it('is listed on readyz, counted in /metrics and carries its reason, while no worker runs', async () => {
    await api.stopWorker();
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, exclude: await untieredExclusions(api, planId), start: true, config: CONFIG },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    stalledAt = created.body.version;
    expect(created.body.stalled).toBeUndefined();
    expect((await readyz()).body.stalledRollouts).toEqual([]);

    const ready = await api.waitFor(readyz, (r) => r.body.stalledRollouts?.length > 0, 10000);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', stalledRollouts: [{ id, status: 'running', since: created.body.updatedAt }] });
    expect(await stalledGauge()).toBe(1);
    const shown = await rollout(id);
    expect(shown.stalled).toMatchObject({ since: created.body.updatedAt, deadlineMs: STALL_SECONDS * 1000 + CONFIG.probe.timeoutMs });
    expect(shown.stalled.reason).toMatch(/^no progress for \d+ s while running .*; under way: [a-z-]+ \(pending\)/);
  }, 30000);

  it('is recorded in the audit log once by a worker that comes back, which carries the rollout on', async () => {
    await api.startWorker();
    const gate = await api.waitFor(
      () => rollout(id),
      (r) => r.status !== 'running',
      60000,
    );
    expect(gate.status).toBe('waiting_approval');
    expect(gate.stalled).toBeUndefined();
    expect((await readyz()).body.stalledRollouts).toEqual([]);
    expect(await stalledGauge()).toBe(0);

    const audit = (await api.call('GET', '/api/v1/audit?action=rollout.stalled', { role: 'viewer' })).body.items.filter(
      (e: any) => e.target === id,
    );
    const atStall = audit.filter((e: any) => e.details.version === stalledAt);
    expect(atStall).toHaveLength(1);
    expect(atStall[0]).toMatchObject({
      actor: 'system:rollout',
      details: { rolloutId: id, status: 'running', reason: expect.stringContaining('no progress') },
    });
    const versions = audit.map((e: any) => e.details.version);
    expect(new Set(versions).size).toBe(versions.length); // once per version, however many passes looked
  }, 90000);
});
