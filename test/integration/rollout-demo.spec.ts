import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * The rollout end to end on the demo cluster (simulated driver, real PostgreSQL, Redis and worker):
 * dev, then staging after an approval; the hidden dependency in staging breaks a probe, the namespace
 * is restored exactly and the rollout halts naming the probe; once the edge is declared and the plan
 * re-made, a new rollout goes through to prod.
 */
let api: Harness;
let clusterId: string;
const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const until = (id: string, statuses: string[]) =>
  api.waitFor(
    () => rollout(id),
    (r) => statuses.includes(r.status),
    90000,
  );
const livePolicies = async (namespace: string) =>
  (
    await api.db.query(`SELECT name, manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [
      clusterId,
      namespace,
    ])
  ).map((r: any) => r.manifest);

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 60000);
afterAll(() => api.close());

describe('a staged rollout of the demo plan', () => {
  let first: any;
  let legacyBefore: unknown[];

  it('applies dev namespace by namespace, verifies each by probes, then waits for an approval', async () => {
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    legacyBefore = await livePolicies('notifications-staging');
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    first = await until(created.body.id, ['waiting_approval', 'halted']);
    expect(first.status).toBe('waiting_approval');
    const dev = first.steps.filter((s: any) => s.tier === 'dev');
    expect(dev.length).toBeGreaterThan(3);
    expect(dev.every((s: any) => s.phase === 'verified')).toBe(true);
    expect(first.steps.filter((s: any) => s.tier !== 'dev').every((s: any) => s.phase === 'pending')).toBe(true);
    const probes = dev.flatMap((s: any) => s.probes);
    expect(probes.some((p: any) => p.kind === 'must-be-blocked' && p.outcome === 'passed')).toBe(true);
    expect(probes.some((p: any) => p.kind === 'must-resolve' && p.outcome === 'passed')).toBe(true);
    expect((await livePolicies(dev[0].namespace)).length).toBeGreaterThan(0);
  }, 120000);

  it('lists it as a summary: where it stands and how many namespaces are in each phase, per stage, without the steps', async () => {
    const [listed] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
    const devSteps = first.steps.filter((s: any) => s.tier === 'dev').length;
    expect(listed).toMatchObject({
      id: first.id,
      status: 'waiting_approval',
      planVersion: first.planVersion,
      namespaces: first.steps.length,
      phases: { verified: devSteps, pending: first.steps.length - devSteps },
    });
    expect(listed.stages.map((s: any) => [s.tier, s.status])).toEqual([
      ['dev', 'completed'],
      ['staging', 'waiting_approval'],
      ['prod', 'pending'],
    ]);
    expect(listed.stages[0]).toMatchObject({ namespaces: devSteps, phases: { verified: devSteps } });
    expect(listed).not.toHaveProperty('steps');
  });

  it('refuses the approval from the operator who created it and from a viewer', async () => {
    expect((await api.call('POST', `/api/v1/rollouts/${first.id}/approve`, { role: 'viewer', body: { tier: 'staging' } })).status).toBe(
      403,
    );
    const inbox = (await api.call('GET', '/api/v1/approvals', { role: 'approver' })).body;
    expect(inbox).toEqual([expect.objectContaining({ rolloutId: first.id, tier: 'staging', mine: false })]);
    expect(inbox[0].evidence.steps.length).toBeGreaterThan(0);
  });

  it('refuses a second rollout of the cluster while this one is active, leaving no draft of it behind', async () => {
    const before = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
    const second = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: first.planId, exclude: await untieredExclusions(api, first.planId), start: true, config: FAST },
    });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('rollout.cluster_busy');
    expect((await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items.map((r: any) => r.id)).toEqual(
      before.map((r: any) => r.id),
    );
  });

  it('halts in staging on the hidden dependency, restores that namespace exactly and names the failing probe', async () => {
    const approved = await api.call('POST', `/api/v1/rollouts/${first.id}/approve`, {
      role: 'approver',
      body: { tier: 'staging', comment: 'dev looks good' },
    });
    expect(approved.status).toBe(200);
    const halted = await api.waitFor(
      () => rollout(first.id),
      (r) => r.status !== 'running' && !r.steps.some((st: any) => st.phase === 'restoring'),
      90000,
    );
    expect(halted.status).toBe('halted');
    expect(halted.halt.code).toBe('probe_failed');
    const failed = halted.steps.find((s: any) => s.phase === 'restored');
    expect(failed).toBeDefined();
    expect(halted.halt.message).toContain('notifications-worker');
    expect(JSON.stringify(await livePolicies(failed.namespace))).toBe(JSON.stringify(failed.snapshot.policies));
    if (failed.namespace === 'notifications-staging') expect(await livePolicies('notifications-staging')).toEqual(legacyBefore);
  }, 120000);

  it('goes through to prod once the edge is declared and the plan re-made', async () => {
    expect(
      (await api.call('POST', `/api/v1/rollouts/${first.id}/abort`, { role: 'operator', body: { reason: 'plan misses a dependency' } }))
        .status,
    ).toBe(200);
    await until(first.id, ['aborted', 'rolled_back']);
    const declared = await api.call('POST', `/api/v1/clusters/${clusterId}/edges`, {
      role: 'operator',
      body: {
        from: 'notifications-staging/notifications-worker',
        to: 'payments-staging/payments-api',
        port: 8080,
        protocol: 'TCP',
        comment: 'found by the staging rollout',
      },
    });
    expect(declared.status).toBe(201);
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    const second = (
      await api.call('POST', '/api/v1/rollouts', {
        role: 'operator',
        body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: true, config: FAST },
      })
    ).body;
    for (const tier of ['staging', 'prod']) {
      await until(second.id, ['waiting_approval']);
      expect((await api.call('POST', `/api/v1/rollouts/${second.id}/approve`, { role: 'approver', body: { tier } })).status).toBe(200);
    }
    const done = await until(second.id, ['completed', 'halted']);
    expect(done.status).toBe('completed');
    const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body;
    const protection = Object.fromEntries(namespaces.map((n: any) => [n.name, n.protection]));
    expect(protection['payments-prod']).toBe('verified');
    expect(protection['legacy-reporting']).toBe('partial');
    expect(protection['kube-system']).toBe('unprotected');

    // Drift: a policy removed by hand is found by the re-check, and so is the connection it opened.
    const before = (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'viewer' })).body.length;
    await api.db.query(
      `DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = 'payments-prod' AND name = 'bulkhead-default-deny'`,
      [clusterId],
    );
    expect((await api.call('POST', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'operator' })).status).toBe(202);
    const checks = await api.waitFor(
      async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'viewer' })).body,
      (list: any[]) => list.length > before,
      30000,
    );
    expect(checks[0].findings).toContainEqual(
      expect.objectContaining({ namespace: 'payments-prod', kind: 'policy_removed', subject: 'bulkhead-default-deny' }),
    );
    const drift = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=drift.detected`, { role: 'viewer' })).body.items;
    expect(drift.length).toBe(1);
    expect(done.steps.every((s: any) => s.phase === 'verified')).toBe(true);
    const audit = (
      await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.step.policies_applied&limit=500`, { role: 'viewer' })
    ).body.items;
    const applied = audit.find((e: any) => e.target === 'payments-prod' && e.details.rolloutId === second.id);
    expect(applied.after.map((p: any) => p.metadata.name)).toContain('bulkhead-default-deny');
    expect(Array.isArray(applied.before)).toBe(true);
  }, 240000);
});
