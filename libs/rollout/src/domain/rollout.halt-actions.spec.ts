import { APPROVER, CREATOR, policy, simulate, THREE_TIERS } from '../testing/fixtures';
import { enforcingCni, scripted } from '../testing/in-memory-cluster';
import type { RolloutWorld } from '../testing/rollout-world';
import { nextActionsOf } from './next-actions';
import type { NextAction, RolloutEvent } from './types';

const OPERATOR = 'carol@example.com';
const failStagingB = () => scripted({ 'connect-staging-b': ['not_reached'] });

/** A rollout of THREE_TIERS halted in staging: staging-b's must-connect probe failed and staging-b is restored. */
async function haltedInStaging(oracle = failStagingB()): Promise<RolloutWorld> {
  const loop = await simulate({ namespaces: THREE_TIERS, oracle });
  await loop.send({ type: 'start', by: CREATOR });
  await loop.run();
  await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
  await loop.run();
  expect(loop.state.status).toBe('halted');
  expect(loop.step('staging-b').phase).toBe('restored');
  return loop;
}

const actionsOf = (loop: RolloutWorld, newest?: { id: string; version: number }): string[] =>
  nextActionsOf(loop.state, newest, loop.now).map((a: NextAction) => ('namespace' in a ? `${a.action} ${a.namespace}` : a.action));

describe('next actions of a halt', () => {
  it('lists none while the rollout moves, and only rollback and abort after a rejected stage', async () => {
    const loop = await simulate({ namespaces: THREE_TIERS });
    await loop.send({ type: 'start', by: CREATOR });
    expect(actionsOf(loop)).toEqual([]);
    await loop.run();
    await loop.send({ type: 'reject', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
    expect(loop.state.status).toBe('halted');
    expect(actionsOf(loop, { id: 'plan-8', version: 4 })).toEqual(['rollback', 'abort']);
  });

  it('offers declaring the failed probe, retry and skip for the stopped namespace, and continue once a newer plan exists', async () => {
    const loop = await haltedInStaging();
    expect(actionsOf(loop)).toEqual(['declare-dependency staging-b', 'retry staging-b', 'skip staging-b', 'rollback', 'abort']);
    expect(actionsOf(loop, { id: 'plan-8', version: 4 })[0]).toBe('continue');
    expect(actionsOf(loop, { id: 'plan-7', version: 3 })).not.toContain('continue');
    const [declare] = nextActionsOf(loop.state, undefined, loop.now);
    expect(declare).toMatchObject({
      action: 'declare-dependency',
      probeId: 'connect-staging-b',
      dependency: { from: 'staging-b/web', to: 'staging-b/db', port: 5432, protocol: 'TCP' },
    });
  });

  it("suggests the call the driver saw blocked behind the failure rather than the probe's own connection", async () => {
    const hidden = { from: 'staging-b/db', to: 'payments/api', port: 8080, protocol: 'TCP' as const };
    const loop = await haltedInStaging((probe) =>
      probe.id.includes('connect-staging-b')
        ? { connected: false, detail: 'answers with errors', blockedCall: hidden }
        : enforcingCni(probe),
    );
    expect(loop.step('staging-b').probes.find((p) => p.id === 'connect-staging-b')?.attempts[0]?.blockedCall).toEqual(hidden);
    expect(nextActionsOf(loop.state, undefined, loop.now)[0]).toMatchObject({ action: 'declare-dependency', dependency: hidden });
  });
});

describe('retrying a stopped step', () => {
  let loop: RolloutWorld;
  beforeAll(async () => {
    loop = await haltedInStaging();
  });

  it('refuses a namespace that is not stopped, and one the rollout does not have', async () => {
    const verified = await loop.send({ type: 'retryStep', by: OPERATOR, namespace: 'staging-c' }, true);
    expect(verified.ok ? '' : verified.error.code).toBe('rollout.illegal_state');
    const unknown = await loop.send({ type: 'retryStep', by: OPERATOR, namespace: 'nowhere' }, true);
    expect(unknown.ok ? '' : unknown.error.code).toBe('rollout.invalid_input');
  });

  it('runs the step again as a new round, with new command keys, and the rollout goes on', async () => {
    loop.cluster.oracle = enforcingCni; // the cluster is fixed
    const sent = await loop.send({ type: 'retryStep', by: OPERATOR, namespace: 'staging-b' });
    expect(sent.ok && sent.state.status).toBe('running');
    expect(loop.state.halt).toBeUndefined();
    const step = loop.step('staging-b');
    expect(step).toMatchObject({ round: 1, restep: { cause: 'retry', by: OPERATOR }, phase: 'pending' });
    expect(step.startedAt).toBeDefined();
    expect(step.probes.every((p) => p.attempts.length === 0)).toBe(true);
    expect(loop.commands.map((c) => c.key)).toContain(`${step.id}.r1.snapshot`);
    expect(loop.audit).toContainEqual(
      expect.objectContaining({
        action: 'rollout.step.restep',
        actor: OPERATOR,
        namespace: 'staging-b',
        detail: expect.objectContaining({ cause: 'retry' }),
      }),
    );
  });

  it('answers a repeated request with the same state', async () => {
    const again = await loop.send({ type: 'retryStep', by: OPERATOR, namespace: 'staging-b' });
    expect(again.ok && again.changed).toBe(false);
  });

  it('verifies the namespace and moves on to the next gate', async () => {
    await loop.run();
    expect(loop.step('staging-b').phase).toBe('verified');
    expect(loop.state.status).toBe('waiting_approval');
    expect(loop.cluster.policiesOf('staging-b')).toEqual(loop.plan['staging-b']);
  });
});

describe('skipping a stopped namespace', () => {
  let loop: RolloutWorld;
  beforeAll(async () => {
    loop = await haltedInStaging();
  });

  it('needs a reason, and an approver who is not the person who asked', async () => {
    const noReason = await loop.send({ type: 'requestSkip', by: OPERATOR, actorId: OPERATOR, namespace: 'staging-b', reason: ' ' }, true);
    expect(noReason.ok ? '' : noReason.error.code).toBe('rollout.invalid_input');
    await loop.send({ type: 'requestSkip', by: OPERATOR, actorId: OPERATOR, namespace: 'staging-b', reason: 'owned by another team' });
    expect(loop.state.status).toBe('halted');
    expect(actionsOf(loop)).toContain('approve-skip staging-b');
    const own = await loop.send({ type: 'approveSkip', by: OPERATOR, actorId: OPERATOR, role: 'admin', namespace: 'staging-b' }, true);
    expect(own.ok ? '' : own.error.code).toBe('rollout.forbidden');
    const viewer = await loop.send({ type: 'approveSkip', by: APPROVER, actorId: APPROVER, role: 'viewer', namespace: 'staging-b' }, true);
    expect(viewer.ok ? '' : viewer.error.code).toBe('rollout.forbidden');
  });

  it('once approved, counts the namespace as excluded with the reason, leaves it as it was, and goes on', async () => {
    await loop.send({ type: 'approveSkip', by: APPROVER, actorId: APPROVER, role: 'approver', namespace: 'staging-b', comment: 'ok' });
    expect(loop.state.excluded).toContainEqual({
      namespace: 'staging-b',
      reason: `skipped: owned by another team (asked for by ${OPERATOR}, approved by ${APPROVER})`,
    });
    const again = await loop.send({ type: 'approveSkip', by: APPROVER, actorId: APPROVER, role: 'approver', namespace: 'staging-b' });
    expect(again.ok && again.changed).toBe(false);
    // an approved skip is still not the requester's to approve: refused, not passed off as a duplicate
    const own = await loop.send({ type: 'approveSkip', by: OPERATOR, actorId: OPERATOR, role: 'admin', namespace: 'staging-b' }, true);
    expect(own.ok ? '' : own.error.code).toBe('rollout.forbidden');
    await loop.run();
    expect(loop.state.status).toBe('waiting_approval');
    expect(loop.step('staging-b').phase).toBe('restored');
    expect(loop.cluster.policiesOf('staging-b')).toEqual(loop.cluster.original['staging-b']);
    expect(loop.audit).toContainEqual(expect.objectContaining({ action: 'rollout.step.skip', actor: APPROVER, namespace: 'staging-b' }));
  });
});

describe('rejecting a requested skip', () => {
  let loop: RolloutWorld;
  const reject = (by: string, role: string, comment = 'the team wants it protected') =>
    loop.send({ type: 'rejectSkip', by, actorId: by, role, namespace: 'staging-b', comment }, true);
  beforeAll(async () => {
    loop = await haltedInStaging();
  });

  it('is refused while nobody asked for a skip', async () => {
    const early = await reject(APPROVER, 'approver');
    expect(early.ok ? '' : early.error.code).toBe('rollout.illegal_state');
  });

  it('is offered beside the approval, to an approver other than the requester, and needs a comment', async () => {
    await loop.send({ type: 'requestSkip', by: OPERATOR, actorId: OPERATOR, namespace: 'staging-b', reason: 'owned by another team' });
    expect(actionsOf(loop)).toEqual(['approve-skip staging-b', 'reject-skip staging-b', 'rollback', 'abort']);
    const own = await reject(OPERATOR, 'admin');
    expect(own.ok ? '' : own.error.code).toBe('rollout.forbidden');
    const viewer = await reject(APPROVER, 'viewer');
    expect(viewer.ok ? '' : viewer.error.code).toBe('rollout.forbidden');
    const silent = await reject(APPROVER, 'approver', '  ');
    expect(silent.ok ? [] : silent.error.problems).toEqual([{ field: 'comment', reason: 'say why the skip is rejected' }]);
  });

  it('keeps the namespace stopped and the rollout halted, audited with the comment, and offers retry and a new skip', async () => {
    const sent = await reject(APPROVER, 'approver');
    expect(sent.ok && sent.state.status).toBe('halted');
    expect(loop.step('staging-b')).toMatchObject({
      phase: 'restored',
      skip: { requestedBy: OPERATOR, rejectedBy: APPROVER, comment: 'the team wants it protected' },
    });
    expect(loop.state.excluded ?? []).not.toContainEqual(expect.objectContaining({ namespace: 'staging-b' }));
    expect(loop.audit).toContainEqual(
      expect.objectContaining({
        action: 'rollout.step.skip_rejected',
        actor: APPROVER,
        namespace: 'staging-b',
        detail: expect.objectContaining({ reason: 'owned by another team', comment: 'the team wants it protected' }),
      }),
    );
    expect(actionsOf(loop)).toEqual(['declare-dependency staging-b', 'retry staging-b', 'skip staging-b', 'rollback', 'abort']);
    const skip = nextActionsOf(loop.state, undefined, loop.now).find((action) => action.action === 'skip');
    expect(skip?.description).toContain(`${APPROVER} rejected the last request: the team wants it protected`);
  });

  it('answers a repeat with the same state, still refuses the requester, and cannot be approved after', async () => {
    const again = await reject(APPROVER, 'approver');
    expect(again.ok && again.changed).toBe(false);
    const own = await reject(OPERATOR, 'admin');
    expect(own.ok ? '' : own.error.code).toBe('rollout.forbidden');
    const approve = await loop.send(
      { type: 'approveSkip', by: APPROVER, actorId: APPROVER, role: 'approver', namespace: 'staging-b' },
      true,
    );
    expect(approve.ok ? '' : approve.error.code).toBe('rollout.illegal_state');
  });

  it('lets the skip be asked for again, and then approved', async () => {
    await loop.send({ type: 'requestSkip', by: OPERATOR, actorId: OPERATOR, namespace: 'staging-b', reason: 'the other team agreed' });
    expect(loop.step('staging-b').skip).toEqual(expect.objectContaining({ reason: 'the other team agreed' }));
    expect(loop.step('staging-b').skip?.rejectedAt).toBeUndefined();
    await loop.send({ type: 'approveSkip', by: APPROVER, actorId: APPROVER, role: 'approver', namespace: 'staging-b' });
    const late = await reject(APPROVER, 'approver');
    expect(late.ok ? '' : late.error.code).toBe('rollout.illegal_state');
    await loop.run();
    expect(loop.state.status).toBe('waiting_approval');
  });
});

describe('skipping a namespace whose policies stayed applied (not enforced)', () => {
  it('puts its snapshot back before the rollout goes on', async () => {
    const loop = await simulate({ namespaces: THREE_TIERS.slice(0, 2), oracle: scripted({ 'blocked-dev-a': ['reached'] }) });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.step('dev-a').phase).toBe('probed');
    await loop.send({ type: 'requestSkip', by: OPERATOR, actorId: OPERATOR, namespace: 'dev-a', reason: 'Flannel cluster' });
    await loop.send({ type: 'approveSkip', by: APPROVER, actorId: APPROVER, role: 'approver', namespace: 'dev-a' });
    expect(loop.step('dev-a').phase).toBe('restoring');
    await loop.run();
    expect(loop.step('dev-a').phase).toBe('restored');
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.cluster.original['dev-a']);
    expect(loop.state.status).toBe('waiting_approval');
  });
});

describe('continuing a halted rollout with a newer plan version', () => {
  let loop: RolloutWorld;
  let appliesBefore: Record<string, number>;
  const applies = (namespace: string) => loop.cluster.calls.filter((c) => c.method === 'applyPolicies' && c.namespace === namespace).length;
  const continueTo4: Extract<RolloutEvent, { type: 'continueWith' }> = {
    type: 'continueWith',
    by: OPERATOR,
    planId: 'plan-8',
    planVersion: 4,
    changed: ['staging-a', 'staging-b'],
    probes: {},
  };

  beforeAll(async () => {
    loop = await haltedInStaging();
    appliesBefore = Object.fromEntries(['staging-a', 'staging-c'].map((ns) => [ns, applies(ns)]));
  });

  it('refuses a plan version that is not newer', async () => {
    const older = await loop.send({ ...continueTo4, planVersion: 3 }, true);
    expect(older.ok ? '' : older.error.code).toBe('rollout.illegal_state');
  });

  it('steps again the stopped namespace and the verified ones whose policies change; the others stay verified', async () => {
    loop.plan['staging-a'] = [policy('staging-a', 'default-deny-v4')];
    loop.plan['staging-b'] = [policy('staging-b', 'default-deny-v4')];
    loop.cluster.oracle = enforcingCni;
    const sent = await loop.send({ ...continueTo4, changed: [...continueTo4.changed] });
    expect(sent.ok && sent.state).toMatchObject({ id: 'r1', status: 'running', planId: 'plan-8', planVersion: 4 });
    expect(loop.state.continuations).toEqual([
      expect.objectContaining({
        by: OPERATOR,
        from: { planId: 'plan-7', planVersion: 3 },
        to: { planId: 'plan-8', planVersion: 4 },
        restepped: ['staging-a', 'staging-b'],
      }),
    ]);
    expect(loop.step('staging-a')).toMatchObject({ phase: 'snapshotted', round: 1 });
    expect(loop.step('staging-a').snapshot?.policies).toEqual(loop.cluster.original['staging-a']);
    expect(loop.step('staging-c').phase).toBe('verified');
    expect(loop.audit).toContainEqual(
      expect.objectContaining({
        action: 'rollout.continue',
        actor: OPERATOR,
        detail: expect.objectContaining({ fromPlanVersion: 3, toPlanVersion: 4, restepped: ['staging-a', 'staging-b'] }),
      }),
    );
  });

  it('answers a repeated request with the same state', async () => {
    const again = await loop.send({ ...continueTo4, changed: [...continueTo4.changed] });
    expect(again.ok && again.changed).toBe(false);
  });

  it('applies the new version where it changed, and nothing where it did not', async () => {
    await loop.run();
    expect(loop.state.status).toBe('waiting_approval');
    expect(loop.state.steps.filter((s) => s.tier !== 'prod').every((s) => s.phase === 'verified')).toBe(true);
    expect(loop.cluster.policiesOf('staging-a')).toEqual(loop.plan['staging-a']);
    expect(applies('staging-a')).toBe((appliesBefore['staging-a'] ?? 0) + 1);
    expect(applies('staging-c')).toBe(appliesBefore['staging-c']);
  });
});

describe('a result of a step run before it was retried', () => {
  it('is ignored', async () => {
    const loop = await haltedInStaging();
    const before = loop.step('staging-b');
    await loop.send({ type: 'retryStep', by: OPERATOR, namespace: 'staging-b' });
    await loop.run({ until: (state) => state.steps.some((s) => s.namespace === 'staging-b' && s.phase === 'settled') });
    const late = await loop.send({
      type: 'probeResult',
      stepId: before.id,
      probeId: 'connect-staging-b',
      attempt: 1,
      observed: 'not_reached',
    });
    expect(late.ok && late.changed).toBe(false);
  });
});

describe('retrying a namespace rolled back after its stage completed', () => {
  it('opens the stage again for it and completes it once more', async () => {
    const loop = await simulate({ namespaces: THREE_TIERS });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    await loop.send({ type: 'rollback', by: OPERATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    await loop.run();
    expect(loop.state.status).toBe('halted');
    await loop.send({ type: 'retryStep', by: OPERATOR, namespace: 'dev-a' });
    expect(loop.state.stages[0]?.status).toBe('running');
    await loop.run();
    expect(loop.step('dev-a').phase).toBe('verified');
    expect(loop.state.stages[0]?.status).toBe('completed');
    expect(loop.state.status).toBe('waiting_approval');
  });
});
