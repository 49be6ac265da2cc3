import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * Coverage on the demo cluster (simulated driver, real PostgreSQL, Redis and worker): a rollout places
 * every namespace of the plan in a stage or excludes it with a reason; each apply and restore is audited
 * with the policies before and after; the inventory holds what the cluster has after every step.
 */
let api: Harness;
let clusterId: string;
let planId: string;
const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const UNTIERED = ['catalog-dev', 'ingress-nginx', 'kube-system', 'legacy-reporting', 'monitoring'];

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const until = (id: string, statuses: string[]) =>
  api.waitFor(
    () => rollout(id),
    (r) => statuses.includes(r.status),
    90000,
  );
/** What the driver holds, and what the inventory (the overview's count) says, for one namespace. */
const driverPolicies = async (namespace: string): Promise<string[]> =>
  (
    await api.db.query(`SELECT name FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [clusterId, namespace])
  ).map((r: { name: string }) => r.name);
const inventoryPolicies = async (namespace: string): Promise<string[]> =>
  (await api.call('GET', `/api/v1/clusters/${clusterId}/policies?namespace=${namespace}`, { role: 'viewer' })).body
    .map((p: { metadata: { name: string } }) => p.metadata.name)
    .sort();
const audit = async (action: string, rolloutId: string) =>
  (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=${action}&limit=500`, { role: 'viewer' })).body.items.filter(
    (e: any) => e.details.rolloutId === rolloutId,
  );

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 60000);
afterAll(() => api.close());

describe('a rollout covers every namespace of its plan, in a stage or excluded with a reason', () => {
  let first: any;

  it('lists the namespaces of the plan with their tier, and recommends excluding the system ones', async () => {
    const coverage = (await api.call('GET', `/api/v1/plans/${planId}/rollout-coverage`, { role: 'viewer' })).body;
    const untiered = coverage.namespaces.filter((ns: any) => ns.tier === null);
    expect(untiered.map((ns: any) => ns.namespace)).toEqual(UNTIERED);
    const system = coverage.namespaces.find((ns: any) => ns.namespace === 'kube-system');
    expect(system).toMatchObject({ system: true, recommended: expect.stringMatching(/^exclude it/) });
    expect(system.recommended).toContain(`${system.policies} polic`);
  });

  it('refuses a rollout that leaves a namespace without a tier neither assigned nor excluded, naming each', async () => {
    const refused = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, exclude: [{ namespace: 'kube-system', reason: 'system namespace' }] },
    });
    expect(refused.status).toBe(400);
    const fields = refused.body.problems.map((p: any) => p.field);
    expect(fields).toEqual(UNTIERED.filter((ns) => ns !== 'kube-system').map((ns) => expect.stringContaining(`assign.${ns}`)));
    expect((await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items).toEqual([]);
  });

  it('creates it once each is assigned a stage or excluded, and answers the excluded with their reasons', async () => {
    const exclude = ['catalog-dev', 'ingress-nginx', 'kube-system', 'monitoring'].map((namespace) => ({
      namespace,
      reason: namespace === 'kube-system' ? 'system namespace' : 'owned by another team',
    }));
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, assign: { 'legacy-reporting': 'prod' }, exclude, start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    expect(created.body.excluded).toEqual(exclude);
    expect(created.body.steps.find((s: any) => s.namespace === 'legacy-reporting')).toMatchObject({ tier: 'prod' });
    first = await until(created.body.id, ['waiting_approval', 'halted']);
    expect(first.status).toBe('waiting_approval');
    expect(first.excluded).toEqual(exclude);
  }, 120000);

  it('audits each apply with the policies before and after, names included, and leaves the inventory as the driver has it', async () => {
    const dev = first.steps.filter((s: any) => s.tier === 'dev');
    const applied = await audit('rollout.step.policies_applied', first.id);
    expect(applied.map((e: any) => e.target).sort()).toEqual(dev.map((s: any) => s.namespace).sort());
    for (const entry of applied) {
      const live = await driverPolicies(entry.target);
      expect(Array.isArray(entry.before)).toBe(true);
      expect(entry.after.map((p: any) => p.metadata.name).sort()).toEqual(live);
      expect(entry.details.policies).toEqual({ before: entry.before.map((p: any) => p.metadata.name).sort(), after: live });
      expect(await inventoryPolicies(entry.target)).toEqual(live);
    }
  });

  it('audits each restore of a rollback with the policies it replaced and those it put back, and the inventory follows', async () => {
    const back = await api.call('POST', `/api/v1/rollouts/${first.id}/rollback`, { role: 'operator', body: { scope: { kind: 'all' } } });
    expect(back.status).toBe(200);
    const done = await until(first.id, ['rolled_back']);
    const restored = await audit('rollout.step.policies_restored', first.id);
    expect(restored.length).toBe(done.steps.filter((s: any) => s.tier === 'dev').length);
    for (const entry of restored) {
      const applied = (await audit('rollout.step.policies_applied', first.id)).find((e: any) => e.target === entry.target);
      // before: the plan's policies the rollout had applied (not "0 -> 0"); after: what the step found there
      expect(entry.before.map((p: any) => p.metadata.name).sort()).toEqual(applied.details.policies.after);
      expect(entry.before.length).toBeGreaterThan(0);
      expect(entry.details.policies.after).toEqual(applied.details.policies.before);
      expect(await inventoryPolicies(entry.target)).toEqual(await driverPolicies(entry.target));
    }
  }, 120000);

  it('ends a finished rollout saying how many were verified and naming the excluded', async () => {
    const devNamespaces = first.steps.filter((s: any) => s.tier === 'dev').map((s: any) => s.namespace);
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, namespaces: devNamespaces, start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    const done = await until(created.body.id, ['completed', 'halted']);
    expect(done.status).toBe('completed');
    const [summary] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
    expect(summary.id).toBe(done.id);
    expect(summary.phases).toEqual({ verified: devNamespaces.length });
    const coverage = (await api.call('GET', `/api/v1/plans/${planId}/rollout-coverage`, { role: 'viewer' })).body;
    expect(summary.excluded.map((e: any) => e.namespace).sort()).toEqual(
      coverage.namespaces.map((ns: any) => ns.namespace).filter((ns: string) => !devNamespaces.includes(ns)),
    );
    expect(summary.excluded.every((e: any) => e.reason.length > 0)).toBe(true);
    expect(summary.stages).toEqual([expect.objectContaining({ tier: 'dev', status: 'completed', display: 'completed' })]);
  }, 120000);
});
