import { APPROVER, CREATOR, simulate, THREE_TIERS } from './testing/fixtures';
import { scripted } from './testing/simulated-loop';
import type { RolloutCommand } from './types';

function toStaging(loop: ReturnType<typeof simulate>): void {
  loop.send({ type: 'start', by: CREATOR });
  loop.run();
  loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
}

describe('a must-connect probe fails in staging', () => {
  const loop = simulate({ namespaces: THREE_TIERS, oracle: scripted({ 'connect-staging-b': ['not_reached', 'not_reached', 'error'] }) });
  const restores: Array<Extract<RolloutCommand, { type: 'restoreNamespace' }>> = [];

  it('is tried 1 + retries times, then the namespace is restored from its stored snapshot', () => {
    toStaging(loop);
    loop.run({ until: (s) => s.steps.some((st) => st.phase === 'restoring') });
    const cmd = loop.commands.find((c): c is Extract<RolloutCommand, { type: 'restoreNamespace' }> => c.type === 'restoreNamespace');
    expect(cmd).toBeDefined();
    restores.push(cmd!);
    expect(cmd!.snapshot).toEqual(loop.step('staging-b').snapshot);
    expect(cmd!.snapshot.policies).toEqual(loop.cluster.original['staging-b']);
    expect(cmd!.snapshot.policies).toHaveLength(2);
    loop.run();
  });

  it('halts the rollout naming the probe', () => {
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'probe_failed', namespace: 'staging-b', probeId: 'connect-staging-b' });
    expect(loop.state.halt?.message).toContain('connect-staging-b');
    expect(loop.state.halt?.message).toContain('staging-b/web -> staging-b/db:5432/TCP');
    expect(loop.state.halt?.message).toContain('3 attempt(s)');
    const step = loop.step('staging-b');
    expect(step.phase).toBe('restored');
    expect(step.haltReason?.probeId).toBe('connect-staging-b');
    expect(step.probes.find((p) => p.id === 'connect-staging-b')).toMatchObject({ outcome: 'failed', attempts: [{ observed: 'not_reached' }, { observed: 'not_reached' }, { observed: 'error' }] });
  });

  it('puts back exactly the policies the namespace had', () => {
    expect(loop.cluster.policies.get('staging-b')).toEqual(loop.cluster.original['staging-b']);
    expect(JSON.stringify(loop.cluster.policies.get('staging-b'))).toBe(JSON.stringify(loop.cluster.original['staging-b']));
  });

  it('lets the other namespace of the wave finish, and starts nothing more', () => {
    expect(loop.step('staging-c').phase).toBe('verified');
    expect(loop.state.steps.filter((s) => s.tier === 'prod').every((s) => s.phase === 'pending' && !s.startedAt)).toBe(true);
    expect(loop.commands).toEqual([]);
  });
});

describe('a must-be-blocked probe connects (the CNI does not enforce, e.g. Flannel)', () => {
  const loop = simulate({ namespaces: THREE_TIERS.slice(0, 2), oracle: scripted({ 'blocked-dev-a': ['reached'] }) });

  it('halts with "policies not enforced" instead of reporting success, and restores nothing by itself', () => {
    loop.send({ type: 'start', by: CREATOR });
    loop.run();
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt?.code).toBe('policies_not_enforced');
    expect(loop.state.halt?.message).toMatch(/^policies not enforced/);
    expect(loop.state.halt?.probeId).toBe('blocked-dev-a');
    const step = loop.step('dev-a');
    expect(step.phase).toBe('probed');
    expect(step.probes.find((p) => p.id === 'blocked-dev-a')).toMatchObject({ outcome: 'not_enforced', attempts: [{ observed: 'reached' }] });
    expect(loop.cluster.calls.some((c) => c.type === 'restoreNamespace')).toBe(false);
    expect(loop.cluster.policies.get('dev-a')).toEqual(loop.cluster.plan['dev-a']);
    expect(loop.state.stages[1].status).toBe('pending');
  });

  it('is the operator’s call: a rollback restores the namespace', () => {
    loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    loop.run();
    expect(loop.step('dev-a').phase).toBe('restored');
    expect(loop.cluster.policies.get('dev-a')).toEqual(loop.cluster.original['dev-a']);
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt?.code).toBe('policies_not_enforced');
  });
});

describe('probe retries', () => {
  it.each<[string, string[], 'passed' | 'failed', number]>([
    ['a flaky probe passes on its second attempt', ['not_reached', 'reached'], 'passed', 2],
    ['a probe that could not run, then passes', ['error', 'error', 'reached'], 'passed', 3],
    ['a probe that never connects fails after 1 + 2 retries', ['not_reached'], 'failed', 3],
  ])('%s', (_name, observations, outcome, attempts) => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }], oracle: scripted({ 'connect-dev-a': observations as never }) });
    loop.send({ type: 'start', by: CREATOR });
    loop.run();
    const probe = loop.step('dev-a').probes.find((p) => p.id === 'connect-dev-a')!;
    expect(probe.outcome).toBe(outcome);
    expect(probe.attempts).toHaveLength(attempts);
    // retries wait retryDelayMs (5 s) between attempts
    for (let i = 1; i < probe.attempts.length; i++) expect(Date.parse(probe.attempts[i].at) - Date.parse(probe.attempts[i - 1].at)).toBeGreaterThanOrEqual(5_000);
    expect(loop.state.status).toBe(outcome === 'passed' ? 'completed' : 'halted');
  });

  it('re-runs only the probes that have no outcome yet', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }], oracle: scripted({ 'connect-dev-a': ['not_reached', 'reached'] }) });
    loop.send({ type: 'start', by: CREATOR });
    loop.run({ until: (s) => s.steps[0].probes.some((p) => p.nextAttemptAt !== undefined) });
    loop.advanceTo(loop.step('dev-a').probes[0].nextAttemptAt!);
    loop.send({ type: 'tick' });
    const run = loop.commands.find((c): c is Extract<RolloutCommand, { type: 'runProbes' }> => c.type === 'runProbes');
    expect(run?.probes).toEqual([expect.objectContaining({ probe: expect.objectContaining({ id: 'connect-dev-a' }), attempt: 2 })]);
  });
});

describe('driver failures', () => {
  it('an apply that fails restores the snapshot and halts', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    loop.send(loop.cluster.execute(loop.state, loop.commands[0], loop.now)[0]);
    loop.send({ type: 'applyFailed', stepId: 'r1.dev-a', error: 'admission webhook denied the request' });
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'apply_failed' });
    expect(loop.state.halt?.message).toContain('admission webhook denied');
    expect(loop.commands.map((c) => c.type)).toEqual(['restoreNamespace']);
    loop.run();
    expect(loop.step('dev-a').phase).toBe('restored');
  });

  it('a snapshot that cannot be read halts before anything is applied', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.send({ type: 'start', by: CREATOR });
    loop.send({ type: 'snapshotFailed', stepId: 'r1.dev-a', error: 'forbidden' });
    expect(loop.state.status).toBe('halted');
    expect(loop.step('dev-a')).toMatchObject({ phase: 'restored', restoredWithoutChange: true, haltReason: { code: 'snapshot_failed' } });
    expect(loop.commands).toEqual([]);
  });

  it('a restore that fails is retried after restoreRetryMs with a new attempt, never given up', () => {
    const loop = simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }], config: { restoreRetryMs: 30_000 } });
    loop.send({ type: 'start', by: CREATOR });
    loop.send(loop.cluster.execute(loop.state, loop.commands[0], loop.now)[0]);
    loop.send({ type: 'applyFailed', stepId: 'r1.dev-a', error: 'boom' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const restore = loop.commands.find((c) => c.type === 'restoreNamespace');
      expect(restore).toMatchObject({ attempt, key: `r1.dev-a.restore.${attempt}` });
      loop.send({ type: 'restoreFailed', stepId: 'r1.dev-a', attempt, error: 'apiserver unavailable' });
      expect(loop.commands.map((c) => c.type)).toEqual(['wakeAt']);
      loop.advanceTo(new Date(loop.now.getTime() + 30_000));
      loop.send({ type: 'tick' });
    }
    loop.run();
    expect(loop.step('dev-a')).toMatchObject({ phase: 'restored', restore: { attempt: 4, lastError: 'apiserver unavailable' } });
    expect(loop.cluster.policies.get('dev-a')).toEqual(loop.cluster.original['dev-a']);
  });
});
