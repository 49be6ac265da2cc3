import { type Harness, seedDemoCluster, startApi, untieredExclusions } from '../integration/support/harness';
import { OwnRedis } from '../support/own-redis';

/**
 * The stall: Redis is killed mid-rollout and comes back empty while the worker stays up. Every
 * delayed wake-up (settle times) and queued command is gone with it; the worker must notice on its own,
 * from PostgreSQL, and carry the rollout to its approval gate without being restarted.
 */
const CONFIG = { waves: [2, 8], settleMs: 3000, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const TRANSIENT = ['snapshotted', 'applied', 'settled', 'probed'];

let redis: OwnRedis;
let api: Harness;
let planId: string;

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;

beforeAll(async () => {
  redis = await OwnRedis.start();
  api = await startApi({}, { worker: true, redisUrl: redis.url });
  // The queues lose their connection on purpose here: the worker logs that; the test needs no console noise.
  for (const queue of api.runtime.queues.values()) queue.on('error', () => undefined);
  const clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 90000);
afterAll(async () => {
  await api?.close();
  await redis?.kill();
});

describe.each([
  ['at once', 0],
  ['after 5 s', 5000],
])('Redis killed mid-rollout and started again empty %s, the worker staying up', (_when, downMs) => {
  it('carries the rollout on to its approval gate, every dev namespace verified', async () => {
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, exclude: await untieredExclusions(api, planId), start: true, config: CONFIG },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // Mid-rollout: steps waiting out their settle time, whose wake-ups live only in Redis.
    await api.waitFor(
      () => rollout(id),
      (r) => r.steps.some((s: any) => s.phase === 'applied'),
      30000,
    );

    await redis.kill();
    await new Promise((r) => setTimeout(r, downMs));
    await redis.restart();

    const gate = await api
      .waitFor(
        () => rollout(id),
        (r) => r.status !== 'running',
        90000,
      )
      .catch(async (error) => {
        const r = await rollout(id);
        throw new Error(
          `${(error as Error).message.split(';')[0]}: ${r.status}, ${JSON.stringify(r.steps.map((s: any) => [s.namespace, s.phase]))}`,
        );
      });
    expect(gate.status).toBe('waiting_approval');
    const dev = gate.steps.filter((s: any) => s.tier === 'dev');
    expect(dev.every((s: any) => s.phase === 'verified')).toBe(true);
    expect(gate.steps.some((s: any) => TRANSIENT.includes(s.phase))).toBe(false);

    // Leave the cluster free for the next case.
    expect((await api.call('POST', `/api/v1/rollouts/${id}/rollback`, { role: 'operator', body: { scope: { kind: 'all' } } })).status).toBe(
      200,
    );
    await api.waitFor(
      () => rollout(id),
      (r) => ['rolled_back', 'aborted'].includes(r.status),
      60000,
    );
  }, 200000);
});
