import { APPROVER, CREATOR, simulate, snapshotTaken, THREE_TIERS, T0 } from '../testing/fixtures';
import type { RolloutEvent, RolloutStatus } from './types';
import type { RolloutWorld } from '../testing/rollout-world';

const DEV_STAGING = THREE_TIERS.slice(0, 4);

async function atStagingGate(): Promise<RolloutWorld> {
  const loop = await simulate({ namespaces: DEV_STAGING });
  await loop.send({ type: 'start', by: CREATOR });
  await loop.run();
  return loop;
}

describe('approvals', () => {
  it.each<[string, RolloutEvent, string]>([
    ['the creator approving', { type: 'approve', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'approver' }, 'forbidden'],
    ['the creator approving as admin', { type: 'approve', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'admin' }, 'forbidden'],
    ['an operator approving', { type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'operator' }, 'forbidden'],
    ['a viewer rejecting', { type: 'reject', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'viewer' }, 'forbidden'],
    [
      'approving a stage that is not waiting',
      { type: 'approve', tier: 'dev', by: APPROVER, actorId: APPROVER, role: 'approver' },
      'illegal_state',
    ],
    [
      'approving a stage the rollout does not have',
      { type: 'approve', tier: 'prod', by: APPROVER, actorId: APPROVER, role: 'approver' },
      'invalid_input',
    ],
  ])('refuses %s', async (_name, event, code) => {
    const loop = await atStagingGate();
    const before = loop.state;
    expect(await loop.send(event, true)).toMatchObject({ ok: false, error: { code: `rollout.${code}` } });
    expect(loop.state).toBe(before);
  });

  it('an approval given twice is refused the second time (the stage is no longer waiting)', async () => {
    const loop = await atStagingGate();
    await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
    expect(await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' }, true)).toMatchObject({
      ok: false,
      error: { code: 'rollout.illegal_state' },
    });
  });

  it('an approver approving moves on; an admin may approve too', async () => {
    const loop = await atStagingGate();
    await loop.send({ type: 'approve', tier: 'staging', by: 'carol', actorId: 'carol', role: 'admin' });
    await loop.run();
    expect(loop.state.status).toBe('completed');
  });

  it('a rejection halts the rollout with the reason, and the creator may reject', async () => {
    const loop = await atStagingGate();
    await loop.send({ type: 'reject', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'approver', comment: 'wrong plan' });
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'approval_rejected', by: CREATOR, tier: 'staging' });
    expect(loop.state.halt?.message).toContain('wrong plan');
    expect(loop.state.stages[1]).toMatchObject({ status: 'rejected', approval: { decision: { approved: false } } });
    expect(loop.commands).toEqual([]);
  });

  it('the approval request is re-issued with the same key until answered', async () => {
    const loop = await atStagingGate();
    const key = loop.commands.find((c) => c.type === 'requestApproval')!.key;
    loop.advanceTo(new Date(Date.parse(T0) + 86_400_000));
    await loop.send({ type: 'tick' });
    expect(loop.commands.find((c) => c.type === 'requestApproval')!.key).toBe(key);
  });
});

describe('pause, resume, abort', () => {
  it('pause lets the running step finish but starts nothing new; resume continues', async () => {
    const loop = await simulate({
      namespaces: [
        { name: 'dev-a', tier: 'dev' },
        { name: 'dev-b', tier: 'dev' },
      ],
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.send(snapshotTaken(loop, 'dev-a')); // dev-a snapshotted
    await loop.send({ type: 'pause', by: CREATOR, reason: 'lunch' });
    expect(loop.state.status).toBe('paused');
    await loop.run();
    expect(loop.step('dev-a').phase).toBe('verified');
    expect(loop.step('dev-b').startedAt).toBeUndefined();
    expect(loop.state.status).toBe('paused');
    expect(loop.commands).toEqual([]);
    await loop.send({ type: 'resume', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('completed');
  });

  it.each<[string, RolloutEvent, RolloutStatus]>([
    ['resume when running', { type: 'resume', by: CREATOR }, 'running'],
    ['start when running', { type: 'start', by: CREATOR }, 'running'],
    ['schedule when running', { type: 'schedule', by: CREATOR, at: T0 }, 'running'],
  ])('refuses %s', async (_name, event) => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'start', by: CREATOR });
    expect(await loop.send(event, true)).toMatchObject({ ok: false, error: { code: 'rollout.illegal_state' } });
  });

  it.each<[string, RolloutEvent]>([
    ['pause a draft', { type: 'pause', by: CREATOR }],
    ['resume a draft', { type: 'resume', by: CREATOR }],
    ['roll back a draft', { type: 'rollback', by: CREATOR, scope: { kind: 'all' } }],
  ])('refuses to %s', async (_name, event) => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    expect(await loop.send(event, true)).toMatchObject({ ok: false, error: { code: 'rollout.illegal_state' } });
  });

  it('abort restores the namespaces in flight, keeps the verified ones, and ends aborted', async () => {
    const loop = await simulate({
      namespaces: [
        { name: 'dev-a', tier: 'dev' },
        { name: 'dev-b', tier: 'dev' },
        { name: 'dev-c', tier: 'dev' },
      ],
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ until: (s) => s.steps.filter((x) => x.phase === 'applied').length === 2 });
    expect(loop.step('dev-a').phase).toBe('verified');
    await loop.send({ type: 'abort', by: CREATOR, reason: 'change freeze announced' });
    expect(loop.state.status).toBe('rolling_back');
    expect(
      loop.commands
        .filter((c) => c.type === 'restoreNamespace')
        .map((c) => (c as { namespace: string }).namespace)
        .sort(),
    ).toEqual(['dev-b', 'dev-c']);
    await loop.run();
    expect(loop.state.status).toBe('aborted');
    expect(loop.step('dev-a').phase).toBe('verified');
    expect(['dev-b', 'dev-c'].map((n) => loop.step(n).phase)).toEqual(['restored', 'restored']);
    for (const n of ['dev-b', 'dev-c']) expect(loop.cluster.policiesOf(n)).toEqual(loop.cluster.original[n]);
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.plan['dev-a']);
    expect(loop.state.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'in_flight', leftEnforced: ['dev-a'] })]);
    expect(await loop.send({ type: 'abort', by: CREATOR }, true)).toMatchObject({ ok: false, error: { code: 'rollout.illegal_state' } });
  });

  it('abort and restore everything puts back the verified namespaces too, and leaves nothing enforced', async () => {
    const loop = await simulate({
      namespaces: [
        { name: 'dev-a', tier: 'dev' },
        { name: 'dev-b', tier: 'dev' },
        { name: 'dev-c', tier: 'dev' },
      ],
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ until: (s) => s.steps.filter((x) => x.phase === 'applied').length === 2 });
    expect(loop.step('dev-a').phase).toBe('verified');
    await loop.send({ type: 'abort', by: CREATOR, restore: 'everything' });
    expect(loop.state.rollbacks).toEqual([expect.objectContaining({ kind: 'abort', restore: 'everything', leftEnforced: [] })]);
    expect(
      loop.commands
        .filter((c) => c.type === 'restoreNamespace')
        .map((c) => (c as { namespace: string }).namespace)
        .sort(),
    ).toEqual(['dev-a', 'dev-b', 'dev-c']);
    await loop.run();
    expect(loop.state.status).toBe('aborted');
    for (const n of ['dev-a', 'dev-b', 'dev-c']) {
      expect(loop.step(n).phase).toBe('restored');
      expect(loop.cluster.policiesOf(n)).toEqual(loop.cluster.original[n]);
    }
  });

  it('abort of a step whose snapshot was asked for but not taken needs no restore', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'start', by: CREATOR });
    const snapshot = loop.commands[0]!;
    await loop.send({ type: 'abort', by: CREATOR });
    expect(loop.state.status).toBe('aborted');
    expect(loop.step('dev-a')).toMatchObject({ phase: 'restored', restoredWithoutChange: true });
    // the late snapshot command is no longer wanted, and its late result is ignored
    expect(await loop.execute(snapshot.key)).toMatchObject({ status: 'skipped' });
    expect(loop.cluster.calls).toEqual([]);
    expect(await loop.send({ type: 'snapshotTaken', stepId: 'r1.dev-a', policies: [] })).toMatchObject({ ok: true, changed: false });
  });

  it('a scheduled rollout waits for its time, and can be aborted before it', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'schedule', by: CREATOR, at: '2026-01-06T09:00:00Z' });
    expect(loop.state.status).toBe('scheduled');
    expect(loop.commands).toEqual([expect.objectContaining({ type: 'wakeAt', at: '2026-01-06T09:00:00.000Z' })]);
    await loop.send({ type: 'tick' });
    expect(loop.state.status).toBe('scheduled');
    await loop.run();
    expect(loop.state.status).toBe('completed');
    expect(loop.state.startedAt).toBe('2026-01-06T09:00:00.000Z');

    const other = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await other.send({ type: 'schedule', by: CREATOR, at: '2026-01-06T09:00:00Z' });
    await other.send({ type: 'abort', by: CREATOR });
    expect(other.state.status).toBe('aborted');
  });

  it('a paused scheduled rollout goes back to scheduled on resume', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'schedule', by: CREATOR, at: '2026-01-06T09:00:00Z' });
    await loop.send({ type: 'pause', by: CREATOR });
    loop.advanceTo('2026-01-07T00:00:00Z');
    await loop.send({ type: 'tick' });
    expect(loop.state.status).toBe('paused');
    await loop.send({ type: 'resume', by: CREATOR });
    expect(loop.state.status).toBe('running');
  });
});

describe('rollback', () => {
  async function completed(): Promise<RolloutWorld> {
    const loop = await simulate({ namespaces: DEV_STAGING });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
    await loop.run();
    expect(loop.state.status).toBe('completed');
    return loop;
  }

  it.each<
    [string, { kind: 'namespace'; namespace: string } | { kind: 'stage'; tier: 'staging' } | { kind: 'all' }, string[], RolloutStatus]
  >([
    ['one namespace', { kind: 'namespace', namespace: 'staging-b' }, ['staging-b'], 'completed'],
    ['a stage', { kind: 'stage', tier: 'staging' }, ['staging-a', 'staging-b', 'staging-c'], 'completed'],
    ['all', { kind: 'all' }, ['dev-a', 'staging-a', 'staging-b', 'staging-c'], 'rolled_back'],
  ])('of %s restores exactly those namespaces', async (_name, scope, restored, landing) => {
    const loop = await completed();
    await loop.send({ type: 'rollback', by: CREATOR, scope, reason: 'customer report' });
    expect(loop.state.status).toBe('rolling_back');
    await loop.run();
    expect(loop.state.status).toBe(landing);
    for (const s of loop.state.steps) {
      const expected = restored.includes(s.namespace);
      expect(s.phase).toBe(expected ? 'restored' : 'verified');
      expect(loop.cluster.policiesOf(s.namespace)).toEqual(expected ? loop.cluster.original[s.namespace] : loop.plan[s.namespace]);
    }
    expect(loop.state.rollbacks).toEqual([expect.objectContaining({ kind: 'rollback', scope, by: CREATOR, reason: 'customer report' })]);
  });

  it('of one namespace while running halts the rollout with that reason', async () => {
    const loop = await atStagingGate();
    await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    await loop.run();
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'rolled_back', by: CREATOR });
    expect(loop.step('dev-a').phase).toBe('restored');
  });

  it('of an unknown namespace or stage is refused', async () => {
    const loop = await completed();
    expect(await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'nope' } }, true)).toMatchObject({
      ok: false,
      error: { code: 'rollout.invalid_input' },
    });
    expect(await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'stage', tier: 'prod' } }, true)).toMatchObject({
      ok: false,
      error: { code: 'rollout.invalid_input' },
    });
  });

  it('widening a rollback while it runs lands on rolled_back', async () => {
    const loop = await completed();
    await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'all' } });
    await loop.run();
    expect(loop.state.status).toBe('rolled_back');
    expect(loop.state.steps.every((s) => s.phase === 'restored')).toBe(true);
  });
});

describe('an aborted rollout', () => {
  it('stops asking for the approval it was waiting for', async () => {
    const loop = await atStagingGate();
    expect(loop.commands.some((c) => c.type === 'requestApproval')).toBe(true);
    await loop.send({ type: 'abort', by: CREATOR });
    expect(loop.state.status).toBe('aborted');
    expect(loop.commands).toEqual([]);
    expect(await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' }, true)).toMatchObject({
      ok: false,
      error: { code: 'rollout.illegal_state' },
    });
  });
});
