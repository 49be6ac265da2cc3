import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

/**
 * The demo journey through the API, on real PostgreSQL and Redis with the worker: the first rollout halts
 * on the demo's hidden dependency; the user declares it from the halt (the edge and the next plan
 * version), then continues the SAME rollout with that version, without aborting; every namespace ends
 * verified or excluded with a reason, and the numbers agree on the rollout, the list and the namespaces.
 */
let api: Harness;
let clusterId: string;
const FAST = { waves: [1, 8], settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };

const rollout = async (id: string) => (await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' })).body;
const settled = (id: string) =>
  api.waitFor(
    () => rollout(id),
    (r) => !['running', 'rolling_back'].includes(r.status) && !r.steps.some((s: any) => s.phase === 'restoring'),
    90000,
  );
const planCount = async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/plans`, { role: 'viewer' })).body.items.length;
const actionsOf = (view: any) => view.nextActions.map((a: any) => a.action);

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 60000);
afterAll(() => api.close());

describe('a halted demo rollout continued with the plan that declares its hidden dependency', () => {
  let id: string;
  let halted: any;

  it('halts in staging on the hidden dependency and offers its next actions', async () => {
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    const created = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id), start: true, config: FAST },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect((await settled(id)).status).toBe('waiting_approval');
    expect((await api.call('POST', `/api/v1/rollouts/${id}/approve`, { role: 'approver', body: { tier: 'staging' } })).status).toBe(200);
    halted = await settled(id);
    expect(halted).toMatchObject({ status: 'halted', halt: { code: 'probe_failed' } });
    expect(actionsOf(halted)).toEqual(['declare-dependency', 'retry', 'skip', 'rollback', 'abort']);
    expect(halted.nextActions[0]).toMatchObject({
      dependency: { from: 'notifications-staging/notifications-worker', to: 'payments-staging/payments-api', port: 8080, protocol: 'TCP' },
    });
  }, 180000);

  it('refuses every halt action to a viewer, and a continue without a newer plan version', async () => {
    const declare = halted.nextActions[0];
    const bodies: Array<[string, unknown]> = [
      ['declare-dependency', { namespace: declare.namespace, probeId: declare.probeId }],
      ['continue', { planVersion: 2 }],
      ['retry', { namespace: declare.namespace }],
      ['skip', { namespace: declare.namespace, reason: 'not now' }],
      ['approve-skip', { namespace: declare.namespace }],
      ['reject-skip', { namespace: declare.namespace, comment: 'no' }],
    ];
    for (const [action, body] of bodies)
      expect([action, (await api.call('POST', `/api/v1/rollouts/${id}/${action}`, { role: 'viewer', body })).status]).toEqual([
        action,
        403,
      ]);
    const early = await api.call('POST', `/api/v1/rollouts/${id}/continue`, {
      role: 'operator',
      body: { planVersion: halted.planVersion },
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('rollout.illegal_state');
  });

  it('lets an approver reject a skip with a comment, never the person who asked, and offers retry and a new skip again', async () => {
    const namespace = halted.halt.namespace;
    const rejectSkip = (role: 'admin' | 'approver', body: unknown) =>
      api.call('POST', `/api/v1/rollouts/${id}/reject-skip`, { role, body });
    const asked = await api.call('POST', `/api/v1/rollouts/${id}/skip`, {
      role: 'admin',
      body: { namespace, reason: 'owned by another team' },
    });
    expect(asked.status).toBe(200);
    expect(actionsOf(asked.body)).toEqual(['approve-skip', 'reject-skip', 'rollback', 'abort']);

    const own = await rejectSkip('admin', { namespace, comment: 'mine' });
    expect([own.status, own.body.code]).toEqual([403, 'rollout.forbidden']);
    const silent = await rejectSkip('approver', { namespace, comment: '  ' });
    expect(silent.status).toBe(400);
    expect(JSON.stringify(silent.body)).toContain('body.comment');

    const rejected = await rejectSkip('approver', { namespace, comment: 'payments must stay protected' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'halted', version: asked.body.version + 1 });
    expect(rejected.body.steps.find((s: any) => s.namespace === namespace).skip).toMatchObject({
      requestedBy: 'token:test-admin',
      rejectedBy: 'token:test-approver',
      comment: 'payments must stay protected',
    });
    expect(actionsOf(rejected.body)).toEqual(['declare-dependency', 'retry', 'skip', 'rollback', 'abort']);
    const repeated = await rejectSkip('approver', { namespace, comment: 'payments must stay protected' });
    expect([repeated.status, repeated.body.version]).toEqual([200, rejected.body.version]);
    const ownAgain = await rejectSkip('admin', { namespace, comment: 'mine' });
    expect(ownAgain.status).toBe(403);

    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.step.skip_rejected`, { role: 'viewer' })).body
      .items;
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'token:test-approver',
        target: namespace,
        details: expect.objectContaining({ rolloutId: id, reason: 'owned by another team', comment: 'payments must stay protected' }),
      }),
    ]);
  });

  it('declares the dependency from the halt and makes the next plan version, once however often it is asked', async () => {
    const declare = halted.nextActions[0];
    const plans = await planCount();
    const body = { namespace: declare.namespace, probeId: declare.probeId };
    const first = await api.call('POST', `/api/v1/rollouts/${id}/declare-dependency`, { role: 'operator', body });
    expect(first.status).toBe(200);
    expect(first.body.nextActions[0]).toMatchObject({ action: 'continue', planVersion: halted.planVersion + 1 });
    const again = await api.call('POST', `/api/v1/rollouts/${id}/declare-dependency`, { role: 'operator', body });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(first.body.version);
    expect(await planCount()).toBe(plans + 1);
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?namespace=payments-staging&limit=1000`, { role: 'viewer' }))
      .body.items;
    expect(edges).toContainEqual(
      expect.objectContaining({
        from: 'notifications-staging/notifications-worker',
        to: 'payments-staging/payments-api',
        port: 8080,
        origin: 'manual',
        review: 'confirmed',
      }),
    );
  });

  it('continues the same rollout with the new version, without an abort, and completes it', async () => {
    const planVersion = halted.planVersion + 1;
    const continued = await api.call('POST', `/api/v1/rollouts/${id}/continue`, { role: 'operator', body: { planVersion } });
    expect(continued.status).toBe(200);
    expect(continued.body).toMatchObject({ id, planVersion });
    expect(continued.body.continuations).toEqual([
      expect.objectContaining({
        from: expect.objectContaining({ planVersion: halted.planVersion }),
        to: expect.objectContaining({ planVersion }),
      }),
    ]);
    expect(continued.body.continuations[0].restepped).toContain(halted.halt.namespace);
    const repeated = await api.call('POST', `/api/v1/rollouts/${id}/continue`, { role: 'operator', body: { planVersion } });
    expect(repeated.status).toBe(200);
    expect(repeated.body.continuations).toHaveLength(1);

    let view = await settled(id);
    for (let gate = 0; view.status === 'waiting_approval' && gate < 3; gate++) {
      const tier = view.stages.find((s: any) => s.status === 'waiting_approval').tier;
      expect((await api.call('POST', `/api/v1/rollouts/${id}/approve`, { role: 'approver', body: { tier } })).status).toBe(200);
      view = await settled(id);
    }
    expect(view.status).toBe('completed');
    expect(view.rollbacks).toEqual([]);
    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.continue`, { role: 'viewer' })).body.items;
    expect(audit).toEqual([
      expect.objectContaining({
        target: id,
        details: expect.objectContaining({ fromPlanVersion: halted.planVersion, toPlanVersion: planVersion }),
      }),
    ]);
  }, 240000);

  it('ends with every namespace verified or excluded with a reason, counted alike by the rollout, the list and the namespaces', async () => {
    const view = await rollout(id);
    const skipped = new Set(view.steps.filter((s: any) => s.skip?.approvedAt).map((s: any) => s.namespace));
    expect(view.steps.every((s: any) => s.phase === 'verified' || skipped.has(s.namespace))).toBe(true);
    expect(view.excluded.every((e: any) => e.reason.length > 0)).toBe(true);
    const verified = view.steps.filter((s: any) => s.phase === 'verified').length;

    const [listed] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
    expect(listed.id).toBe(id);
    expect(listed.phases.verified).toBe(verified);
    expect(listed.excluded).toEqual(view.excluded);
    expect(listed.planVersion).toBe(view.planVersion);

    const namespaces = (await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' })).body;
    const protection = new Map(namespaces.map((n: any) => [n.name, n.protection]));
    expect(namespaces.filter((n: any) => n.protection === 'verified').length).toBe(verified);
    for (const { namespace } of view.excluded) expect([namespace, protection.get(namespace)]).not.toEqual([namespace, 'verified']);
  });
});
