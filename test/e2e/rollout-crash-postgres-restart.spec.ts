import { type Harness, seedDemoCluster, startApi, untieredExclusions } from '../integration/support/harness';
import { OwnPostgres } from '../support/own-postgres';
import { OwnRedis } from '../support/own-redis';
import { livePolicies, namespaceViolations } from '../support/rollout-invariants';

/**
 * PostgreSQL, which holds the truth of every rollout, restarts mid-rollout: every connection of the API
 * and of the worker is cut, and for a few seconds none can be made. The worker stays up and must carry
 * the rollout on to its approval gate by itself, with every namespace verified, restored byte for byte
 * or untouched. The test runs its own PostgreSQL (and Redis), never the shared ones.
 */
const CONFIG = { waves: [2, 8], settleMs: 3000, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const DOWN_MS = 4000;

let postgres: OwnPostgres;
let redis: OwnRedis;
let api: Harness;
let clusterId: string;
let planId: string;

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;

beforeAll(async () => {
  postgres = await OwnPostgres.start();
  redis = await OwnRedis.start();
  api = await startApi({}, { worker: true, redisUrl: redis.url, databaseServer: postgres.serverUrl });
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 120000);
afterAll(async () => {
  await api?.close();
  await redis?.kill();
  await postgres?.remove();
});

it('carries a rollout on to its approval gate after PostgreSQL restarts under it, the worker staying up', async () => {
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId, exclude: await untieredExclusions(api, planId), start: true, config: CONFIG },
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  const namespaces: string[] = created.body.steps.map((s: { namespace: string }) => s.namespace);
  const before = await livePolicies(api.db, clusterId, namespaces);
  // Mid-rollout: steps applied and waiting out their settle time.
  const mid = await api.waitFor(
    () => rollout(id),
    (r) => r.steps.some((s: any) => s.phase === 'applied'),
    30000,
  );
  expect(mid.status).toBe('running');

  await postgres.stop();
  expect((await api.call('GET', '/readyz', { role: null })).status).toBe(503);
  await new Promise((r) => setTimeout(r, DOWN_MS));
  await postgres.restart();

  const read = () => rollout(id).catch(() => undefined); // the API may answer 500 while its pool reconnects
  const gate = await api
    .waitFor(read, (r) => r?.status !== undefined && r.status !== 'running', 120000)
    .catch(async (error) => {
      const r = await rollout(id);
      throw new Error(
        `${(error as Error).message.split(';')[0]}: ${r.status}, ${JSON.stringify(r.steps.map((s: any) => [s.namespace, s.phase]))}`,
      );
    });
  expect(gate.status).toBe('waiting_approval');
  expect(gate.steps.filter((s: any) => s.tier === 'dev').every((s: any) => s.phase === 'verified')).toBe(true);
  expect(namespaceViolations(gate.steps, await livePolicies(api.db, clusterId, namespaces), before)).toEqual([]);
}, 200000);
