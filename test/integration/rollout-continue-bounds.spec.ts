import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

// Found by an attack pass: a plan version past PostgreSQL's integer reached the plans query and answered 500.
let api: Harness;
let rolloutId: string;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  const clusterId = await seedDemoCluster(api);
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: false },
  });
  rolloutId = created.body.id;
}, 120_000);
afterAll(() => api.close());

it.each([2 ** 31, Number.MAX_SAFE_INTEGER])('refuses continue with plan version %d with a 400 naming planVersion', async (planVersion) => {
  const answer = await api.call('POST', `/api/v1/rollouts/${rolloutId}/continue`, { role: 'operator', body: { planVersion } });
  expect(answer.status).toBe(400);
  expect(answer.body.problems.map((p: { field: string }) => p.field)).toEqual([expect.stringMatching(/(^|\.)planVersion$/)]);
  expect((await api.call('GET', `/api/v1/rollouts/${rolloutId}`, { role: 'viewer' })).body.status).toBe('draft');
});
