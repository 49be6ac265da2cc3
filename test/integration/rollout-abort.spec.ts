import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * An abort says what it leaves behind: by default the verified namespaces keep the plan's policies (and
 * the answer names them); "restore everything" puts every namespace back as it was, in one action.
 */
let api: Harness;
let clusterId: string;
let devAndStaging: string[];
let dev: string[];
const FAST = { waves: [8], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } };

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const until = (id: string, statuses: string[]) =>
  api.waitFor(
    () => rollout(id),
    (r) => statuses.includes(r.status),
    90000,
  );
const live = (namespaces: string[]) =>
  api.db.query(
    `SELECT namespace, name, manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = ANY($2) ORDER BY namespace, name`,
    [clusterId, namespaces],
  );

/** A rollout of the dev and staging namespaces, at its staging gate: dev verified, nothing of staging touched. */
async function atStagingGate(): Promise<string> {
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, namespaces: devAndStaging, start: true, config: FAST },
  });
  expect(created.status).toBe(201);
  const waiting = await until(created.body.id, ['waiting_approval', 'halted']);
  expect(waiting.status).toBe('waiting_approval');
  return created.body.id;
}

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body as Array<{
    name: string;
    tier: string;
  }>;
  dev = namespaces.filter((ns) => ns.tier === 'dev').map((ns) => ns.name);
  devAndStaging = namespaces.filter((ns) => ns.tier === 'dev' || ns.tier === 'staging').map((ns) => ns.name);
}, 60000);
afterAll(() => api.close());

it('abort and restore everything puts every namespace back exactly, and says it left nothing enforced', async () => {
  const before = await live(dev);
  const id = await atStagingGate();
  expect(await live(dev)).not.toEqual(before);
  const aborted = await api.call('POST', `/api/v1/rollouts/${id}/abort`, {
    role: 'operator',
    body: { restore: 'everything', reason: 'start over' },
  });
  expect(aborted.status).toBe(200);
  expect(aborted.body.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'everything', leftEnforced: [] })]);
  const done = await until(id, ['aborted']);
  expect(done.steps.filter((s: { tier: string }) => s.tier === 'dev').every((s: { phase: string }) => s.phase === 'restored')).toBe(true);
  expect(await live(dev)).toEqual(before);
}, 120000);

it('a plain abort names the verified namespaces it leaves enforced, and leaves them so', async () => {
  const id = await atStagingGate();
  const enforced = await live(dev);
  const aborted = await api.call('POST', `/api/v1/rollouts/${id}/abort`, { role: 'operator', body: {} });
  expect(aborted.status).toBe(200);
  expect(aborted.body.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'in_flight', leftEnforced: [...dev].sort() })]);
  await until(id, ['aborted']);
  expect(await live(dev)).toEqual(enforced);
}, 120000);

it('refuses an unknown restore with a 400 naming the field', async () => {
  const res = await api.call('POST', `/api/v1/rollouts/00000000-0000-4000-8000-000000000000/abort`, {
    role: 'operator',
    body: { restore: 'some' },
  });
  expect(res.status).toBe(400);
  expect(res.body.problems).toEqual([expect.objectContaining({ field: 'body.restore' })]);
});
