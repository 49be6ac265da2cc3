import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * The observation gate through the API on the demo cluster (real PostgreSQL, Redis and worker): the
 * demo's import saw a week of traffic, so a dev stage that asks for 30 days waits, naming each
 * namespace and how long it was observed, and applies nothing; one that asks for 5 days starts.
 */
let api: Harness;
let clusterId: string;
let planId: string;
const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const DAY_MS = 86_400_000;

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 60_000);
afterAll(() => api.close());

/** Creates and starts a rollout of the demo plan with `config`. */
async function start(config: object) {
  const exclude = await untieredExclusions(api, planId);
  return api.call('POST', '/api/v1/rollouts', { role: 'operator', body: { planId, exclude, start: true, config } });
}

describe('a rollout whose tiers ask for days of observation, on the demo', () => {
  it('refuses a minimum for something that is not a tier, or out of range, naming the field', async () => {
    for (const minObservedDays of [{ qa: 3 }, { prod: -1 }, { dev: 366 }, { staging: '7' }]) {
      const refused = await start({ ...FAST, minObservedDays });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('minObservedDays');
    }
    expect((await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items).toEqual([]);
  });

  it('waits in dev, applying nothing, while dev was observed for less than the minimum, and says how long each namespace was', async () => {
    const created = await start({ ...FAST, minObservedDays: { dev: 30 } });
    expect(created.status).toBe(201);
    const waiting = await api.waitFor(
      () => rollout(created.body.id),
      (r) => r.status === 'waiting_coverage' && r.coverageWait?.measuring === false,
      20_000,
    );
    const canary = waiting.steps.find((s: any) => s.tier === 'dev')!.namespace;
    expect(waiting.coverageWait).toMatchObject({ tier: 'dev', minObservedDays: 30, namespaces: [canary] });
    // The demo's import is a week of flows: short of 30 days, and it will not grow, so it is measured again within the hour.
    const [short] = waiting.coverageWait.short;
    expect(short.namespace).toBe(canary);
    expect(short.observedDays).toBeGreaterThan(5);
    expect(short.observedDays).toBeLessThan(8);
    expect(Date.parse(waiting.coverageWait.recheckAt) - Date.parse(waiting.coverage.measuredAt)).toBe(3_600_000);
    expect(waiting.coverage.observed[canary].since).toBe(short.observedSince);
    expect(waiting.steps.every((s: any) => s.phase === 'pending' && !s.startedAt)).toBe(true);
    expect(waiting.config.minObservedDays).toEqual({ dev: 30 });

    const digest = (await api.call('GET', `/api/v1/rollouts/${created.body.id}/digest`, { role: 'viewer' })).body;
    expect(digest).toMatchObject({ status: 'waiting_coverage', coverageWait: { tier: 'dev', short: [{ namespace: canary }] } });
    const [listed] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}&status=active`, { role: 'viewer' })).body.items;
    expect(listed).toMatchObject({ id: created.body.id, status: 'waiting_coverage' });

    const aborted = await api.call('POST', `/api/v1/rollouts/${created.body.id}/abort`, {
      role: 'operator',
      body: { reason: 'not observed yet' },
    });
    expect(aborted.status).toBe(200);
    await api.waitFor(
      () => rollout(created.body.id),
      (r) => r.status === 'aborted',
      10_000,
    );
  }, 40_000);

  it('starts dev once its week of observation is enough for the minimum', async () => {
    const created = await start({ ...FAST, minObservedDays: { dev: 5, prod: 30 } });
    expect(created.status).toBe(201);
    const started = await api.waitFor(
      () => rollout(created.body.id),
      (r) => r.steps.some((s: any) => s.tier === 'dev' && s.startedAt),
      20_000,
    );
    const canary = started.steps.find((s: any) => s.tier === 'dev' && s.startedAt).namespace;
    const span = started.coverage.observed[canary];
    expect(Date.parse(span.until) - Date.parse(span.since)).toBeGreaterThanOrEqual(5 * DAY_MS);
    // The canary's wave is under way; the next wave of dev may already be measured (measuring: true), but
    // nothing is held back as short.
    expect(started.coverageWait?.short ?? []).toEqual([]);
    await api.call('POST', `/api/v1/rollouts/${created.body.id}/abort`, { role: 'operator', body: { reason: 'done with the test' } });
    await api.waitFor(
      () => rollout(created.body.id),
      (r) => ['aborted', 'rolled_back'].includes(r.status),
      20_000,
    );
  }, 40_000);
});
