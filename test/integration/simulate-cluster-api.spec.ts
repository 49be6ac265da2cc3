import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * POST /api/v1/clusters/{id}/simulate on the demo cluster: probes against what Bulkhead knows (its stored inventory),
 * with its live policies (none: a flat network) or with a plan's. Plan v1 blocks the incident of the demo
 * (orders-dev/orders-debug reaching the production database) and keeps the observed dependencies open.
 */
let api: Harness;
let clusterId: string;
let planId: string;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 60000);
afterAll(() => api.close());

const simulateOn = (cluster: string, body: unknown, role: 'viewer' | null = 'viewer') =>
  api.call('POST', `/api/v1/clusters/${cluster}/simulate`, { role, body });

const incident = { from: 'orders-dev/orders-debug', to: 'postgres-prod/postgres', port: 5432 };

describe('POST /api/v1/clusters/{id}/simulate', () => {
  it('answers against the live policies: the flat network lets the incident through, and names the pods that stood for the workloads', async () => {
    const res = await simulateOn(clusterId, { probes: [incident] });
    expect(res.status).toBe(200);
    const [result] = res.body.results;
    expect(result).toMatchObject({ ...incident, protocol: 'TCP', allowed: true });
    expect(result.fromPod).toMatch(/^orders-dev\/orders-debug-/);
    expect(result.toPod).toMatch(/^postgres-prod\/postgres-/);
    expect(result.ingress.reason).toContain('not isolated');
  });

  it("answers against a plan's policies: the incident is dropped, an observed dependency stays allowed", async () => {
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
    // A call between two workloads of one namespace: no tier to cross, so the plan allows it.
    const workload = /^([a-z][a-z0-9-]*)\/[a-z][a-z0-9-]*$/;
    const observed = edges.find(
      (e: any) =>
        e.review !== 'rejected' &&
        e.protocol === 'TCP' &&
        workload.test(e.from) &&
        workload.test(e.to) &&
        e.from.split('/')[0] === e.to.split('/')[0],
    );
    expect(observed).toBeDefined();
    const dependency = { from: observed.from, to: observed.to, port: observed.port };
    const live = await simulateOn(clusterId, { probes: [incident, dependency] });
    const planned = await simulateOn(clusterId, { probes: [incident, dependency], planId });
    expect(planned.status).toBe(200);
    expect(live.body.results.map((r: any) => r.allowed)).toEqual([true, true]);
    expect(planned.body.results.map((r: any) => r.allowed)).toEqual([false, true]);
    expect(planned.body.results[0].ingress.reason).toMatch(/^dropped by postgres-prod\//);
  });

  it('takes pods by name and IP addresses as well as workloads', async () => {
    const fromPod = (await simulateOn(clusterId, { probes: [incident] })).body.results[0].fromPod;
    const res = await simulateOn(clusterId, {
      probes: [
        { ...incident, from: fromPod },
        { ...incident, from: '203.0.113.7' },
      ],
      planId,
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.allowed)).toEqual([false, false]);
    expect(res.body.results[0].fromPod).toBeUndefined();
    expect(res.body.results[1].egress.reason).toBe('source 203.0.113.7 is outside the cluster: no egress policy applies');
  });

  it('refuses a probe naming nothing the cluster has, naming the field, with a 400', async () => {
    const res = await simulateOn(clusterId, { probes: [incident, { ...incident, to: 'postgres-prod/nope' }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'simulate.invalid' });
    expect(res.body.problems).toEqual([
      { field: 'body.probes[1].to', reason: '"postgres-prod/nope" is neither a pod nor a workload of the inventory' },
    ]);
  });

  it('refuses a plan of another cluster or no plan at all with a 404 naming planId, and a malformed one with a 400', async () => {
    const other = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'other-cluster' } })).body;
    const ofAnother = await simulateOn(other.id, { probes: [], planId });
    expect(ofAnother.status).toBe(404);
    expect(ofAnother.body).toMatchObject({ code: 'plan.not_found', problems: [{ field: 'body.planId' }] });
    const unknown = await simulateOn(clusterId, { probes: [], planId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.problems[0].field).toBe('body.planId');
    const malformed = await simulateOn(clusterId, { probes: [], planId: 'v1' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.problems[0].field).toBe('body.planId');
  });

  it('answers 404 for an unknown cluster, 401 without a token', async () => {
    expect((await simulateOn('00000000-0000-4000-8000-000000000000', { probes: [] })).status).toBe(404);
    const anonymous = await simulateOn(clusterId, { probes: [incident] }, null);
    expect(anonymous.status).toBe(401);
  });
});
