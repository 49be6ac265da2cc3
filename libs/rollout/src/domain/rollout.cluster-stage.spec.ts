import { clusterStepIdOf } from './create';
import { transition } from './machine';
import { CLUSTER_SCOPE, type RolloutState } from './types';
import { APPROVER, clusterPolicy, createInput, CREATOR, managedClusterPolicy, simulate, T0, type WorldSpec } from '../testing/fixtures';
import { scripted } from '../testing/in-memory-cluster';
import type { RolloutWorld } from '../testing/rollout-world';

/**
 * The cluster stage: the plan's ClusterNetworkPolicies applied as a stage of their own, before dev or after prod,
 * behind an approval, through the same step phases as a namespace (snapshot, apply, settle, probes, verified or
 * restored exactly).
 */
const NAMESPACES: WorldSpec['namespaces'] = [
  { name: 'dev-a', tier: 'dev' },
  { name: 'staging-a', tier: 'staging' },
  { name: 'prod-a', tier: 'prod' },
];
/** The confirmed staging -> prod edge connects; everything else follows the fixtures' enforcing CNI. */
const confirmedEdgeOpen = scripted({ 'connect-staging-prod': ['reached'] });
const approve = (world: RolloutWorld, tier: 'dev' | 'staging' | 'prod' | 'cluster') =>
  world.send({ type: 'approve', tier, by: APPROVER, actorId: APPROVER, role: 'approver' });
const names = (policies: ReadonlyArray<{ metadata: { name: string } }>) => policies.map((policy) => policy.metadata.name).sort();
const cluster = (world: RolloutWorld) => world.step(CLUSTER_SCOPE);

describe('the cluster stage after prod (the default a plan gives it)', () => {
  let world: RolloutWorld;
  beforeAll(async () => {
    world = await simulate({ namespaces: NAMESPACES, guardrails: 'afterProd', approvalTiers: [], oracle: confirmedEdgeOpen });
  });

  it('comes last, as one step, and waits for an approval although no tier asks for one', async () => {
    expect(world.state.stages.map((stage) => [stage.tier, stage.approvalRequired])).toEqual([
      ['dev', false],
      ['staging', false],
      ['prod', false],
      ['cluster', true],
    ]);
    expect(world.state.stages[3]!.waves).toEqual([[clusterStepIdOf('r1')]]);
    await world.send({ type: 'start', by: CREATOR });
    await world.run();
    expect(['dev-a', 'staging-a', 'prod-a'].map((namespace) => world.step(namespace).phase)).toEqual(['verified', 'verified', 'verified']);
    expect(world.state.status).toBe('waiting_approval');
    expect(cluster(world).phase).toBe('pending');
    expect(names(world.cluster.clusterPoliciesNow())).toEqual(['platform-team-admin']);
    const request = world.commands.find((command) => command.type === 'requestApproval');
    expect(request).toMatchObject({ tier: 'cluster', key: 'r1.approval.cluster', evidence: { previousTier: 'prod' } });
  });

  it('once approved, snapshots the cluster-scoped policies, applies the plan’s beside them and is verified by its probes', async () => {
    await approve(world, 'cluster');
    await world.run();
    const step = cluster(world);
    expect(step.phase).toBe('verified');
    expect(names(step.snapshot!.policies as never)).toEqual(['platform-team-admin']);
    expect(names(world.cluster.clusterPoliciesNow())).toEqual(['bulkhead-baseline', 'bulkhead-tier-isolation', 'platform-team-admin']);
    expect(names(world.inventory.get(CLUSTER_SCOPE) as never)).toEqual(names(world.cluster.clusterPoliciesNow()));
    expect(step.probes.map((probe) => [probe.id, probe.outcome])).toEqual([
      ['connect-staging-prod', 'passed'],
      ['blocked-dev-prod', 'passed'],
    ]);
    expect(world.state.status).toBe('completed');
    // the namespaces' NetworkPolicies were not touched by the cluster step
    expect(world.cluster.calls.filter((call) => call.method.endsWith('ClusterPolicies')).map((call) => call.method)).toEqual([
      'readClusterPolicies',
      'readClusterPolicies',
      'applyClusterPolicies',
      'readClusterPolicies',
    ]);
  });

  it('writes the stage in the audit log: approval, snapshot, apply (with the policies before and after), probes, verify', () => {
    const entries = world.audit.filter((entry) => entry.tier === 'cluster' || entry.namespace === CLUSTER_SCOPE);
    expect(entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining([
        'rollout.stage.request_approval',
        'rollout.stage.approve',
        'rollout.step.snapshot',
        'rollout.step.policies_applied',
        'rollout.step.verify',
        'rollout.stage.complete',
      ]),
    );
    const applied = world.audit.find((entry) => entry.action === 'rollout.step.policies_applied' && entry.namespace === CLUSTER_SCOPE);
    expect(applied?.detail?.policies).toEqual({
      before: ['platform-team-admin'],
      after: ['bulkhead-baseline', 'bulkhead-tier-isolation', 'platform-team-admin'],
    });
  });

  it('is put back exactly as its snapshot by a rollback of the cluster stage', async () => {
    await world.send({ type: 'rollback', by: CREATOR, scope: { kind: 'stage', tier: 'cluster' } });
    await world.run();
    expect(cluster(world).phase).toBe('restored');
    expect(world.cluster.clusterPoliciesNow()).toEqual([clusterPolicy('platform-team-admin', 'Admin', 5)]);
    expect(world.step('prod-a').phase).toBe('verified');
  });
});

describe('the cluster stage before dev', () => {
  it('comes first: nothing is applied until it is approved, and dev starts once it is verified', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [], oracle: confirmedEdgeOpen });
    expect(world.state.stages.map((stage) => stage.tier)).toEqual(['cluster', 'dev', 'staging', 'prod']);
    await world.send({ type: 'start', by: CREATOR });
    expect(world.state.status).toBe('waiting_approval');
    expect(world.state.stages[0]!.approval?.evidence).not.toHaveProperty('previousTier');
    expect(world.commands.some((command) => command.type === 'snapshotNamespace')).toBe(false);
    const refused = await world.send({ type: 'approve', tier: 'cluster', by: CREATOR, actorId: CREATOR, role: 'approver' }, true);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rollout.forbidden' } });
    await approve(world, 'cluster');
    await world.run();
    expect(cluster(world).phase).toBe('verified');
    expect(world.step('dev-a').phase).toBe('verified');
    expect(Date.parse(world.step('dev-a').startedAt!)).toBeGreaterThanOrEqual(Date.parse(cluster(world).verifiedAt!));
    expect(world.state.status).toBe('completed');
  });

  it('halts when a probe fails, restoring the cluster-scoped policies exactly, with the namespaces untouched', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [] });
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    await world.run();
    expect(cluster(world).phase).toBe('restored');
    expect(world.state.status).toBe('halted');
    expect(world.state.halt).toMatchObject({
      code: 'probe_failed',
      tier: 'cluster',
      namespace: CLUSTER_SCOPE,
      probeId: 'connect-staging-prod',
    });
    expect(world.state.halt!.message).toContain('staging-a/web -> prod-a/api:8080');
    expect(world.cluster.clusterPoliciesNow()).toEqual([clusterPolicy('platform-team-admin', 'Admin', 5)]);
    expect(world.cluster.calls.some((call) => call.namespace === 'dev-a')).toBe(false);
    expect(world.step('dev-a').startedAt).toBeUndefined();
  });

  it('runs the cluster step again when retried, from the start, and goes on to dev once it is verified', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [] });
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    await world.run();
    expect(world.state.status).toBe('halted');
    world.cluster.oracle = confirmedEdgeOpen; // the edge's owners opened it
    await world.send({ type: 'retryStep', by: CREATOR, namespace: CLUSTER_SCOPE });
    await world.run();
    expect(cluster(world)).toMatchObject({ phase: 'verified', round: 1 });
    expect(names(world.cluster.clusterPoliciesNow())).toEqual(['bulkhead-baseline', 'bulkhead-tier-isolation', 'platform-team-admin']);
    expect(world.state.status).toBe('completed');
  });

  it('steps the cluster again for a newer plan version whose cluster layer changed, with its probes under it', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [] });
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    await world.run();
    const probes = [{ id: 'resolve-dev', kind: 'must-resolve' as const, from: 'dev-a/web', to: 'kubernetes.default.svc.cluster.local' }];
    await world.send({
      type: 'continueWith',
      by: CREATOR,
      planId: 'plan-8',
      planVersion: 4,
      changed: [CLUSTER_SCOPE],
      probes: { [CLUSTER_SCOPE]: probes },
    });
    await world.run();
    expect(cluster(world)).toMatchObject({ phase: 'verified', round: 1, probes: [{ id: 'resolve-dev', outcome: 'passed' }] });
    expect(world.state).toMatchObject({ status: 'completed', planVersion: 4 });
  });

  it('converges the cluster to a newer plan version’s layer: what Bulkhead applied and the plan dropped goes, others stay', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [] });
    // An earlier plan's layer is live beside the platform team's own policy.
    world.cluster.putClusterPolicies([
      managedClusterPolicy('bulkhead-baseline', 'Baseline', 0),
      managedClusterPolicy('bulkhead-old-deny', 'Admin', 30),
    ]);
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    await world.run();
    expect(world.state.status).toBe('halted');
    const before = ['bulkhead-baseline', 'bulkhead-old-deny', 'platform-team-admin'];
    expect(names(world.cluster.clusterPoliciesNow())).toEqual(before);

    // Plan version 4 keeps tier isolation and the Baseline default-deny, and no longer has the old Admin deny.
    world.cluster.oracle = confirmedEdgeOpen;
    await world.send({ type: 'continueWith', by: CREATOR, planId: 'plan-8', planVersion: 4, changed: [CLUSTER_SCOPE], probes: {} });
    await world.run();
    expect(cluster(world)).toMatchObject({ phase: 'verified', round: 1 });
    expect(names(world.cluster.clusterPoliciesNow())).toEqual(['bulkhead-baseline', 'bulkhead-tier-isolation', 'platform-team-admin']);
    expect(world.cluster.clusterPoliciesNow().find((policy) => policy.metadata.name === 'platform-team-admin')).toEqual(
      clusterPolicy('platform-team-admin', 'Admin', 5),
    );
    expect(names(world.inventory.get(CLUSTER_SCOPE) as never)).toEqual(names(world.cluster.clusterPoliciesNow()));

    // A rollback puts back exactly what the round's snapshot held, the dropped policy included.
    expect(names(cluster(world).snapshot!.policies as never)).toEqual(before);
    await world.send({ type: 'rollback', by: CREATOR, scope: { kind: 'stage', tier: 'cluster' } });
    await world.run();
    expect(cluster(world).phase).toBe('restored');
    expect(world.cluster.clusterPoliciesNow()).toEqual(expect.arrayContaining(cluster(world).snapshot!.policies as never));
    expect(names(world.cluster.clusterPoliciesNow())).toEqual(before);
  });

  it('halts on an apply the cluster refuses, with nothing to put back: no restore is attempted (a git-delivered cluster refuses those too)', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [], oracle: confirmedEdgeOpen });
    world.cluster.failures.applyClusterPolicies = 1;
    world.cluster.failures.restoreClusterPolicies = 1000;
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    await world.run();
    expect(world.state.halt).toMatchObject({ code: 'apply_failed', tier: 'cluster' });
    expect(cluster(world)).toMatchObject({ phase: 'restored', restore: { cause: 'apply_failed', attempt: 1 } });
    expect(world.cluster.calls.some((call) => call.method === 'restoreClusterPolicies')).toBe(false);
    expect(world.cluster.clusterPoliciesNow()).toEqual([clusterPolicy('platform-team-admin', 'Admin', 5)]);
  });

  it('retries a restore that fails until it lands, exactly', async () => {
    const world = await simulate({ namespaces: NAMESPACES, guardrails: 'beforeDev', approvalTiers: [] });
    world.cluster.failures.restoreClusterPolicies = 2;
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    await world.run();
    expect(cluster(world)).toMatchObject({ phase: 'restored', restore: { cause: 'probe_failed', attempt: 3 } });
    expect(world.cluster.clusterPoliciesNow()).toEqual([clusterPolicy('platform-team-admin', 'Admin', 5)]);
  });
});

describe('a rollout request with guardrails', () => {
  const at = new Date(T0);
  it('may have guardrails and no namespace (the plan changes only the cluster layer)', () => {
    const created = transition(undefined, { type: 'create', input: { ...createInput({ namespaces: [], guardrails: 'afterProd' }) } }, at);
    expect(created.ok && created.state.stages.map((stage) => stage.tier)).toEqual(['cluster']);
  });

  it('refuses a placement that is neither beforeDev nor afterProd, and a probe without its fields, naming each', () => {
    const input = createInput({ namespaces: NAMESPACES, guardrails: 'afterProd' });
    const bad = { ...input, guardrails: { placement: 'middle', probes: [{ id: '', kind: 'must-connect', from: 'a/b', to: 'c/d' }] } };
    const refused = transition(undefined, { type: 'create', input: bad as never }, at);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.problems?.map((problem) => problem.field)).toEqual([
      'guardrails.placement',
      'guardrails.probes[0].id',
    ]);
    const none = transition(undefined, { type: 'create', input: { ...input, guardrails: undefined, namespaces: [] } }, at);
    expect(!none.ok && none.error.problems?.map((problem) => problem.field)).toEqual(['namespaces']);
  });

  it('keeps the cluster stage to prod’s windows and freezes', async () => {
    const prodWindow = { kind: 'once' as const, start: '2026-01-06T02:00:00.000Z', durationMinutes: 60, timeZone: 'UTC' };
    const world = await simulate({
      namespaces: [{ name: 'dev-a', tier: 'dev' }],
      guardrails: 'beforeDev',
      approvalTiers: [],
      oracle: confirmedEdgeOpen,
      config: { windows: { prod: [prodWindow] } },
    });
    await world.send({ type: 'start', by: CREATOR });
    await approve(world, 'cluster');
    const waiting: RolloutState = world.state;
    expect(waiting.status).toBe('waiting_window');
    expect(waiting.opensAt).toBe(prodWindow.start);
    await world.run();
    expect(Date.parse(cluster(world).startedAt!)).toBe(Date.parse(prodWindow.start));
    expect(world.state.status).toBe('completed');
  });
});
