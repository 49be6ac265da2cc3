import { APPROVER, CREATOR, simulate, THREE_TIERS, T0 } from './testing/fixtures';
import type { RolloutEvent, RolloutStatus } from './types';

const DEV_STAGING = THREE_TIERS.slice(0, 4);

function atStagingGate() {
  const loop = simulate({ namespaces: DEV_STAGING });
  loop.send({ type: 'start', by: CREATOR });
  loop.run();
  return loop;
}

describe('approvals', () => {
  it.each<[string, RolloutEvent, string]>([
    ['the creator approving', { type: 'approve', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'approver' }, 'forbidden'],
    ['the creator approving as admin', { type: 'approve', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'admin' }, 'forbidden'],
    ['an operator approving', { type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'operator' }, 'forbidden'],
    ['a viewer rejecting', { type: 'reject', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'viewer' }, 'forbidden'],
    ['approving a stage that is not waiting', { type: 'approve', tier: 'dev', by: APPROVER, actorId: APPROVER, role: 'approver' }, 'illegal_state'],
    ['approving a stage the rollout does not have', { type: 'approve', tier: 'prod', by: APPROVER, actorId: APPROVER, role: 'approver' }, 'invalid_input'],
  ])('refuses %s', (_name, event, code) => {
    const loop = atStagingGate();
    const before = loop.state;
    expect(loop.send(event, true)).toMatchObject({ ok: false, error: { code } });
    expect(loop.state).toBe(before);
  });

  it('an approval given twice is refused the second time (the stage is no longer waiting)', () => {
    const loop = atStagingGate();
    loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
    expect(loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' }, true)).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  });

  it('an approver approving moves on; an admin may approve too', () => {
    const loop = atStagingGate();
    loop.send({ type: 'approve', tier: 'staging', by: 'carol', actorId: 'carol', role: 'admin' });
    loop.run();
    expect(loop.state.status).toBe('completed');
  });

  it('a rejection halts the rollout with the reason, and the creator may reject', () => {
    const loop = atStagingGate();
    loop.send({ type: 'reject', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'approver', comment: 'wrong plan' });
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'approval_rejected', by: CREATOR, tier: 'staging' });
    expect(loop.state.halt?.message).toContain('wrong plan');
    expect(loop.state.stages[1]).toMatchObject({ status: 'rejected', approval: { decision: { approved: false } } });
    expect(loop.commands).toEqual([]);
  });

  it('the approval request is re-issued with the same key until answered', () => {
    const loop = atStagingGate();
    const key = loop.commands.find((c) => c.type === 'requestApproval')!.key;
    loop.advanceTo(new Date(Date.parse(T0) + 86_400_000));
    loop.send({ type: 'tick' });
    expect(loop.commands.find((c) => c.type === 'requestApproval')!.key).toBe(key);
  });
});

describe('pause, resume, abort', () => {
  it('pause lets the running step finish but starts nothing new; resume continues', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }, { name: 'dev-b', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    loop.send(loop.cluster.execute(loop.state, loop.commands[0], loop.now)[0]); // dev-a snapshotted
    loop.send({ type: 'pause', by: CREATOR, reason: 'lunch' });
    expect(loop.state.status).toBe('paused');
    loop.run();
    expect(loop.step('dev-a').phase).toBe('verified');
    expect(loop.step('dev-b').startedAt).toBeUndefined();
    expect(loop.state.status).toBe('paused');
    expect(loop.commands).toEqual([]);
    loop.send({ type: 'resume', by: CREATOR });
    loop.run();
    expect(loop.state.status).toBe('completed');
  });

  it.each<[string, RolloutEvent, RolloutStatus]>([
    ['resume when running', { type: 'resume', by: CREATOR }, 'running'],
    ['start when running', { type: 'start', by: CREATOR }, 'running'],
    ['schedule when running', { type: 'schedule', by: CREATOR, at: T0 }, 'running'],
  ])('refuses %s', (_name, event) => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    expect(loop.send(event, true)).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  });

  it.each<[string, RolloutEvent]>([
    ['pause a draft', { type: 'pause', by: CREATOR }],
    ['resume a draft', { type: 'resume', by: CREATOR }],
    ['roll back a draft', { type: 'rollback', by: CREATOR, scope: { kind: 'all' } }],
  ])('refuses to %s', (_name, event) => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    expect(loop.send(event, true)).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  });

  it('abort restores the namespaces in flight, keeps the verified ones, and ends aborted', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }, { name: 'dev-b', tier: 'dev' }, { name: 'dev-c', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    loop.run({ until: (s) => s.steps.filter((x) => x.phase === 'applied').length === 2 });
    expect(loop.step('dev-a').phase).toBe('verified');
    loop.send({ type: 'abort', by: CREATOR, reason: 'change freeze announced' });
    expect(loop.state.status).toBe('rolling_back');
    expect(loop.commands.filter((c) => c.type === 'restoreNamespace').map((c) => (c as { namespace: string }).namespace).sort()).toEqual(['dev-b', 'dev-c']);
    loop.run();
    expect(loop.state.status).toBe('aborted');
    expect(loop.step('dev-a').phase).toBe('verified');
    expect(['dev-b', 'dev-c'].map((n) => loop.step(n).phase)).toEqual(['restored', 'restored']);
    for (const n of ['dev-b', 'dev-c']) expect(loop.cluster.policies.get(n)).toEqual(loop.cluster.original[n]);
    expect(loop.cluster.policies.get('dev-a')).toEqual(loop.cluster.plan['dev-a']);
    expect(loop.state.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'in_flight', leftEnforced: ['dev-a'] })]);
    expect(loop.send({ type: 'abort', by: CREATOR }, true)).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  });

  it('abort and restore everything puts back the verified namespaces too, and leaves nothing enforced', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }, { name: 'dev-b', tier: 'dev' }, { name: 'dev-c', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    loop.run({ until: (s) => s.steps.filter((x) => x.phase === 'applied').length === 2 });
    expect(loop.step('dev-a').phase).toBe('verified');
    loop.send({ type: 'abort', by: CREATOR, restore: 'everything' });
    expect(loop.state.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'everything', leftEnforced: [] })]);
    expect(loop.commands.filter((c) => c.type === 'restoreNamespace').map((c) => (c as { namespace: string }).namespace).sort()).toEqual(['dev-a', 'dev-b', 'dev-c']);
    loop.run();
    expect(loop.state.status).toBe('aborted');
    for (const n of ['dev-a', 'dev-b', 'dev-c']) {
      expect(loop.step(n).phase).toBe('restored');
      expect(loop.cluster.policies.get(n)).toEqual(loop.cluster.original[n]);
    }
  });

  it('abort of a step whose snapshot was asked for but not taken needs no restore', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    const snapshot = loop.commands[0];
    loop.send({ type: 'abort', by: CREATOR });
    expect(loop.state.status).toBe('aborted');
    expect(loop.step('dev-a')).toMatchObject({ phase: 'restored', restoredWithoutChange: true });
    // the late snapshot command is no longer wanted, and its late result is ignored
    expect(loop.cluster.execute(loop.state, snapshot, loop.now)).toEqual([]);
    expect(loop.send({ type: 'snapshotTaken', stepId: 'r1.dev-a', policies: [] })).toMatchObject({ ok: true, changed: false });
  });

  it('a scheduled rollout waits for its time, and can be aborted before it', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.send({ type: 'schedule', by: CREATOR, at: '2026-01-06T09:00:00Z' });
    expect(loop.state.status).toBe('scheduled');
    expect(loop.commands).toEqual([expect.objectContaining({ type: 'wakeAt', at: '2026-01-06T09:00:00.000Z' })]);
    loop.send({ type: 'tick' });
    expect(loop.state.status).toBe('scheduled');
    loop.run();
    expect(loop.state.status).toBe('completed');
    expect(loop.state.startedAt).toBe('2026-01-06T09:00:00.000Z');

    const other = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    other.send({ type: 'schedule', by: CREATOR, at: '2026-01-06T09:00:00Z' });
    other.send({ type: 'abort', by: CREATOR });
    expect(other.state.status).toBe('aborted');
  });

  it('a paused scheduled rollout goes back to scheduled on resume', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.send({ type: 'schedule', by: CREATOR, at: '2026-01-06T09:00:00Z' });
    loop.send({ type: 'pause', by: CREATOR });
    loop.advanceTo('2026-01-07T00:00:00Z');
    loop.send({ type: 'tick' });
    expect(loop.state.status).toBe('paused');
    loop.send({ type: 'resume', by: CREATOR });
    expect(loop.state.status).toBe('running');
  });
});

describe('rollback', () => {
  function completed() {
    const loop = simulate({ namespaces: DEV_STAGING });
    loop.send({ type: 'start', by: CREATOR });
    loop.run();
    loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
    loop.run();
    expect(loop.state.status).toBe('completed');
    return loop;
  }

  it.each<[string, { kind: 'namespace'; namespace: string } | { kind: 'stage'; tier: 'staging' } | { kind: 'all' }, string[], RolloutStatus]>([
    ['one namespace', { kind: 'namespace', namespace: 'staging-b' }, ['staging-b'], 'completed'],
    ['a stage', { kind: 'stage', tier: 'staging' }, ['staging-a', 'staging-b', 'staging-c'], 'completed'],
    ['all', { kind: 'all' }, ['dev-a', 'staging-a', 'staging-b', 'staging-c'], 'rolled_back'],
  ])('of %s restores exactly those namespaces', (_name, scope, restored, landing) => {
    const loop = completed();
    loop.send({ type: 'rollback', by: CREATOR, scope, reason: 'customer report' });
    expect(loop.state.status).toBe('rolling_back');
    loop.run();
    expect(loop.state.status).toBe(landing);
    for (const s of loop.state.steps) {
      const expected = restored.includes(s.namespace);
      expect(s.phase).toBe(expected ? 'restored' : 'verified');
      expect(loop.cluster.policies.get(s.namespace)).toEqual(expected ? loop.cluster.original[s.namespace] : loop.cluster.plan[s.namespace]);
    }
    expect(loop.state.rollbacks).toEqual([expect.objectContaining({ kind: 'rollback', scope, by: CREATOR, reason: 'customer report' })]);
  });

  it('of one namespace while running halts the rollout with that reason', () => {
    const loop = atStagingGate();
    loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    loop.run();
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'rolled_back', by: CREATOR });
    expect(loop.step('dev-a').phase).toBe('restored');
  });

  it('of an unknown namespace or stage is refused', () => {
    const loop = completed();
    expect(loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'nope' } }, true)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'stage', tier: 'prod' } }, true)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('widening a rollback while it runs lands on rolled_back', () => {
    const loop = completed();
    loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'all' } });
    loop.run();
    expect(loop.state.status).toBe('rolled_back');
    expect(loop.state.steps.every((s) => s.phase === 'restored')).toBe(true);
  });
});

describe('an aborted rollout', () => {
  it('stops asking for the approval it was waiting for', () => {
    const loop = atStagingGate();
    expect(loop.commands.some((c) => c.type === 'requestApproval')).toBe(true);
    loop.send({ type: 'abort', by: CREATOR });
    expect(loop.state.status).toBe('aborted');
    expect(loop.commands).toEqual([]);
    expect(loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' }, true)).toMatchObject({ ok: false, error: { code: 'illegal_state' } });
  });
});
