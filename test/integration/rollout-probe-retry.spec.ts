import { SimulatedDriver } from '@bulkhead/cluster';
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * A probe that fails once on a flaky network passes on its retry: the simulated fault decides by the
 * try's number, so retries can be tested, and it keeps no state per probe.
 */
let api: Harness;
let clusterId: string;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 60000);
afterAll(() => api.close());

it('verifies every dev namespace when each probe fails its first try and passes its retry', async () => {
  await new SimulatedDriver(api.db, clusterId).setFaults({ flakyProbes: { failFirstAttempts: 1 } });
  const dev = (
    (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body as Array<{ name: string; tier: string }>
  )
    .filter((ns) => ns.tier === 'dev')
    .map((ns) => ns.name);
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      exclude: await untieredExclusions(api, plan.id),
      namespaces: dev,
      start: true,
      config: { waves: [4], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } },
    },
  });
  expect(created.status).toBe(201);
  const done = await api.waitFor(
    async () => (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body,
    (r) => ['completed', 'halted'].includes(r.status),
    90000,
  );
  expect(done.status).toBe('completed');
  const probes = done.steps.flatMap((s: { probes: unknown[] }) => s.probes) as Array<{
    kind: string;
    outcome: string;
    attempts: Array<{ observed: string }>;
  }>;
  const mustReach = probes.filter((p) => p.kind !== 'must-be-blocked');
  expect(mustReach.length).toBeGreaterThan(dev.length);
  expect(probes.every((p) => p.outcome === 'passed')).toBe(true);
  // what must connect or resolve failed its first try and passed its second; what must stay blocked was not reached at once
  expect(mustReach.map((p) => p.attempts.map((a) => a.observed))).toEqual(mustReach.map(() => ['not_reached', 'reached']));
  expect(probes.filter((p) => p.kind === 'must-be-blocked').every((p) => p.attempts.length === 1)).toBe(true);
}, 120000);
