import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * The drift page's API on the demo cluster (simulated driver, real PostgreSQL, Redis and worker): a
 * rollout verifies two dev namespaces; policies changed by hand there are listed as findings with
 * their YAML difference; re-applying the plan puts back exactly its policies, accepting the live state
 * makes the plan's next version; after either, the drift check finds nothing in that namespace.
 */
let api: Harness;
let clusterId: string;
let planId: string;
let verified: string[];
const FAST = { waves: [8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };

const livePolicies = async (namespace: string): Promise<any[]> =>
  (
    await api.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [
      clusterId,
      namespace,
    ])
  ).map((r: { manifest: unknown }) => r.manifest);

const findings = async (): Promise<any[]> =>
  (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-findings`, { role: 'viewer' })).body.items;

/** Asks for a drift check and waits until it is recorded; answers the findings it left. */
async function checkDrift(): Promise<any[]> {
  const count = async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'viewer' })).body.length;
  const before = await count();
  expect((await api.call('POST', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'operator' })).status).toBe(202);
  await api.waitFor(count, (n) => n > before, 30_000);
  return findings();
}

/** Asks for a drift action as the operator and waits until the worker has carried it out. */
async function act(kind: 'reapply' | 'accept', namespaces: string[]): Promise<any> {
  const asked = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, { role: 'operator', body: { kind, namespaces } });
  expect(asked.status).toBe(202);
  expect(asked.body).toMatchObject({ kind, namespaces: [...namespaces].sort(), status: 'queued', requestedBy: 'token:test-operator' });
  return api.waitFor(
    async () =>
      (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-actions`, { role: 'viewer' })).body.items.find(
        (a: { id: string }) => a.id === asked.body.id,
      ),
    (action) => action?.status !== 'queued',
    30_000,
  );
}

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body;
  verified = namespaces
    .filter((n: { tier: string | null }) => n.tier === 'dev')
    .map((n: { name: string }) => n.name)
    .slice(0, 2);
  expect(verified).toHaveLength(2);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId, namespaces: verified, start: true, config: FAST },
  });
  expect(created.status).toBe(201);
  const done = await api.waitFor(
    async () => (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body,
    (r) => ['completed', 'halted'].includes(r.status),
    90_000,
  );
  expect(done.status).toBe('completed');
}, 150_000);
afterAll(() => api?.close());

describe('acting on drift', () => {
  it('finds nothing on a cluster as the rollout left it', async () => {
    expect(await checkDrift()).toEqual([]);
  }, 40_000);

  it('refuses a viewer, and a namespace the rollout did not verify, naming it', async () => {
    const viewer = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, {
      role: 'viewer',
      body: { kind: 'reapply', namespaces: verified },
    });
    expect(viewer.status).toBe(403);
    const unknown = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, {
      role: 'operator',
      body: { kind: 'accept', namespaces: [verified[0], 'kube-system'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('drift.unknown_namespace');
    expect(unknown.body.problems).toEqual([expect.objectContaining({ field: 'body.namespaces[1]' })]);
    const empty = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, {
      role: 'operator',
      body: { kind: 'reapply', namespaces: [] },
    });
    expect(empty.status).toBe(400);
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}/drift-actions`, { role: 'viewer' })).body.items).toEqual([]);
  });

  it('lists a policy deleted by hand with its YAML, re-applies exactly the plan, and the next check is clean', async () => {
    const [namespace] = verified as [string];
    const planned = await livePolicies(namespace);
    const [removed] = planned;
    await api.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND name = $3`, [
      clusterId,
      namespace,
      removed.metadata.name,
    ]);
    const found = (await checkDrift()).find((f) => f.kind === 'policy_removed');
    expect(found).toMatchObject({ namespace, subject: removed.metadata.name, planId, difference: { live: null, truncated: false } });
    expect(found.difference.expected).toContain(`name: ${removed.metadata.name}`);
    expect(found.difference.lines.every((l: string) => l.startsWith('- '))).toBe(true);
    expect((await checkDrift()).find((f) => f.kind === 'policy_removed')).toMatchObject({ id: found.id, foundAt: found.foundAt });

    const action = await act('reapply', [namespace]);
    expect(action).toMatchObject({ status: 'done' });
    expect(action.detail).toContain(`re-applied plan v`);
    expect(action.detail).toContain('found nothing');
    expect(await livePolicies(namespace)).toEqual(planned);
    expect((await findings()).filter((f) => f.namespace === namespace)).toEqual([]);
    expect(await checkDrift()).toEqual([]);

    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=drift.reapplied`, { role: 'viewer' })).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'token:test-operator', target: namespace });
    expect(audit[0].before.map((p: any) => p.metadata.name)).not.toContain(removed.metadata.name);
    expect(audit[0].after.map((p: any) => p.metadata.name)).toContain(removed.metadata.name);

    const again = await act('reapply', [namespace]);
    expect(again.detail).toContain('already held plan');
    expect(
      (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=drift.reapplied`, { role: 'viewer' })).body.items,
    ).toHaveLength(1);
  }, 120_000);

  it('accepts a policy changed by hand as the plan’s next version, and the next check is clean', async () => {
    const namespace = verified[1]!;
    const [changed] = await livePolicies(namespace);
    changed.metadata.labels = { ...changed.metadata.labels, 'changed-by': 'hand' };
    await api.db.query(`UPDATE simulated_policies SET manifest = $4 WHERE cluster_id = $1 AND namespace = $2 AND name = $3`, [
      clusterId,
      namespace,
      changed.metadata.name,
      JSON.stringify(changed),
    ]);
    const found = (await checkDrift()).find((f) => f.kind === 'policy_changed');
    expect(found).toMatchObject({ namespace, subject: changed.metadata.name });
    expect(found.difference.lines).toContain('+     changed-by: hand');

    const plansBefore = (await api.call('GET', `/api/v1/clusters/${clusterId}/plans`, { role: 'viewer' })).body.items;
    const action = await act('accept', [namespace]);
    expect(action.status).toBe('done');
    expect(action.planId).not.toBeNull();
    const plan = (await api.call('GET', `/api/v1/plans/${action.planId}`, { role: 'viewer' })).body;
    expect(plan.version).toBe(plansBefore[0].version + 1);
    expect(plan.policies.find((p: any) => p.metadata.name === changed.metadata.name && p.metadata.namespace === namespace)).toEqual(
      changed,
    );
    const base = (await api.call('GET', `/api/v1/plans/${planId}`, { role: 'viewer' })).body;
    const others = (policies: any[]) => policies.filter((p) => p.metadata.namespace !== namespace);
    expect(others(plan.policies)).toEqual(others(base.policies));
    expect(await checkDrift()).toEqual([]);

    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=drift.accepted`, { role: 'viewer' })).body.items;
    expect(audit).toEqual([expect.objectContaining({ target: namespace, details: expect.objectContaining({ planId: plan.id }) })]);

    const again = await act('accept', [namespace]);
    expect(again).toMatchObject({ status: 'done', planId: null });
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}/plans`, { role: 'viewer' })).body.items[0].id).toBe(plan.id);
  }, 120_000);

  it('measures drift against the accepted version from then on: re-applying puts back the accepted policy', async () => {
    const namespace = verified[1]!;
    const accepted = await livePolicies(namespace);
    await api.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2`, [clusterId, namespace]);
    expect((await checkDrift()).filter((f) => f.kind === 'policy_removed')).toHaveLength(accepted.length);
    expect((await act('reapply', [namespace])).status).toBe('done');
    expect(await livePolicies(namespace)).toEqual(accepted);
    expect(await checkDrift()).toEqual([]);
  }, 120_000);

  it('refuses while a rollout is active on the cluster', async () => {
    const rollout = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId, namespaces: verified, scheduledAt: '2099-01-01T00:00:00Z' },
    });
    expect(rollout.status).toBe(201);
    expect(rollout.body.status).toBe('scheduled');
    const refused = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, {
      role: 'operator',
      body: { kind: 'reapply', namespaces: verified },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('rollout.cluster_busy');
  });
});
