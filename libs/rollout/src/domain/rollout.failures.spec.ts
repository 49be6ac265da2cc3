import { APPROVER, CREATOR, simulate, THREE_TIERS } from '../testing/fixtures';
import { scripted } from '../testing/in-memory-cluster';
import type { RolloutWorld } from '../testing/rollout-world';
import type { RolloutCommand } from './types';

async function toStaging(loop: RolloutWorld): Promise<void> {
  await loop.send({ type: 'start', by: CREATOR });
  await loop.run();
  await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver' });
}

describe('a must-connect probe fails in staging', () => {
  let loop: RolloutWorld;
  beforeAll(async () => {
    loop = await simulate({ namespaces: THREE_TIERS, oracle: scripted({ 'connect-staging-b': ['not_reached', 'not_reached', 'error'] }) });
  });

  it('is tried 1 + retries times, then the namespace is restored from its stored snapshot', async () => {
    await toStaging(loop);
    await loop.run();
    const step = loop.step('staging-b');
    expect(step.probes.find((p) => p.id === 'connect-staging-b')?.attempts).toHaveLength(3);
    expect(step.snapshot?.policies).toEqual(loop.cluster.original['staging-b']);
    expect(step.snapshot?.policies).toHaveLength(2);
    // the job that recorded the failure carried out the restore, from the snapshot stored in the state
    const restored = loop.audit.filter((a) => a.action === 'rollout.step.policies_restored');
    // before: the plan's policies, as the cluster held them when the restore began; after: the snapshot, read back
    expect(restored).toEqual([
      expect.objectContaining({
        namespace: 'staging-b',
        detail: {
          before: loop.plan['staging-b'],
          after: step.snapshot!.policies,
          afterSource: 'cluster',
          policies: { before: ['allow-web-db', 'default-deny'], after: ['legacy-allow-all', 'zz-keep'] },
        },
      }),
    ]);
    expect(loop.inventory.get('staging-b')).toEqual(step.snapshot!.policies);
  });

  it('halts the rollout naming the probe', async () => {
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'probe_failed', namespace: 'staging-b', probeId: 'connect-staging-b' });
    expect(loop.state.halt?.message).toContain('connect-staging-b');
    expect(loop.state.halt?.message).toContain('staging-b/web -> staging-b/db:5432/TCP');
    expect(loop.state.halt?.message).toContain('3 attempt(s)');
    const step = loop.step('staging-b');
    expect(step.phase).toBe('restored');
    expect(step.haltReason?.probeId).toBe('connect-staging-b');
    expect(step.probes.find((p) => p.id === 'connect-staging-b')).toMatchObject({
      outcome: 'failed',
      attempts: [{ observed: 'not_reached' }, { observed: 'not_reached' }, { observed: 'error' }],
    });
  });

  it('puts back exactly the policies the namespace had', async () => {
    expect(loop.cluster.policiesOf('staging-b')).toEqual(loop.cluster.original['staging-b']);
    expect(JSON.stringify(loop.cluster.policiesOf('staging-b'))).toBe(JSON.stringify(loop.cluster.original['staging-b']));
  });

  it('lets the other namespace of the wave finish, and starts nothing more', async () => {
    expect(loop.step('staging-c').phase).toBe('verified');
    expect(loop.state.steps.filter((s) => s.tier === 'prod').every((s) => s.phase === 'pending' && !s.startedAt)).toBe(true);
    expect(loop.commands).toEqual([]);
  });
});

describe('a must-be-blocked probe connects (the CNI does not enforce, e.g. Flannel)', () => {
  let loop: RolloutWorld;
  beforeAll(async () => {
    loop = await simulate({ namespaces: THREE_TIERS.slice(0, 2), oracle: scripted({ 'blocked-dev-a': ['reached'] }) });
  });

  it('halts with "policies not enforced" instead of reporting success, and restores nothing by itself', async () => {
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt?.code).toBe('policies_not_enforced');
    expect(loop.state.halt?.message).toMatch(/^policies not enforced/);
    expect(loop.state.halt?.probeId).toBe('blocked-dev-a');
    const step = loop.step('dev-a');
    expect(step.phase).toBe('probed');
    expect(step.probes.find((p) => p.id === 'blocked-dev-a')).toMatchObject({
      outcome: 'not_enforced',
      attempts: [{ observed: 'reached' }],
    });
    expect(loop.cluster.calls.some((c) => c.method === 'restorePolicies')).toBe(false);
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.plan['dev-a']);
    expect(loop.state.stages[1]!.status).toBe('pending');
  });

  it('is the operator’s call: a rollback restores the namespace', async () => {
    await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'namespace', namespace: 'dev-a' } });
    await loop.run();
    expect(loop.step('dev-a').phase).toBe('restored');
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.cluster.original['dev-a']);
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt?.code).toBe('policies_not_enforced');
  });
});

describe('probe retries', () => {
  it.each<[string, string[], 'passed' | 'failed', number]>([
    ['a flaky probe passes on its second attempt', ['not_reached', 'reached'], 'passed', 2],
    ['a probe that could not run, then passes', ['error', 'error', 'reached'], 'passed', 3],
    ['a probe that never connects fails after 1 + 2 retries', ['not_reached'], 'failed', 3],
  ])('%s', async (_name, observations, outcome, attempts) => {
    const loop = await simulate({
      namespaces: [{ name: 'dev-a', tier: 'dev' }],
      oracle: scripted({ 'connect-dev-a': observations as never }),
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    const probe = loop.step('dev-a').probes.find((p) => p.id === 'connect-dev-a')!;
    expect(probe.outcome).toBe(outcome);
    expect(probe.attempts).toHaveLength(attempts);
    // retries wait retryDelayMs (5 s) between attempts
    for (let i = 1; i < probe.attempts.length; i++)
      expect(Date.parse(probe.attempts[i]!.at) - Date.parse(probe.attempts[i - 1]!.at)).toBeGreaterThanOrEqual(5_000);
    expect(loop.state.status).toBe(outcome === 'passed' ? 'completed' : 'halted');
  });

  it('re-runs only the probes that have no outcome yet', async () => {
    const loop = await simulate({
      namespaces: [{ name: 'dev-a', tier: 'dev' }],
      oracle: scripted({ 'connect-dev-a': ['not_reached', 'reached'] }),
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ until: (s) => s.steps[0]!.probes.some((p) => p.nextAttemptAt !== undefined) });
    loop.advanceTo(loop.step('dev-a').probes[0]!.nextAttemptAt!);
    await loop.send({ type: 'tick' });
    const run = loop.commands.find((c): c is Extract<RolloutCommand, { type: 'runProbes' }> => c.type === 'runProbes');
    expect(run?.probes).toEqual([expect.objectContaining({ probe: expect.objectContaining({ id: 'connect-dev-a' }), attempt: 2 })]);
  });
});

describe('driver failures', () => {
  it('an apply that fails restores the snapshot and halts', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.cluster.failures.applyPolicies = 1;
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('halted');
    expect(loop.state.halt).toMatchObject({ code: 'apply_failed' });
    expect(loop.state.halt?.message).toContain('applyPolicies dev-a: the API server answered 503');
    // snapshot, the failed apply, then the restore between a read of what it replaces and a read of what it left
    expect(loop.cluster.calls.map((c) => c.method)).toEqual([
      'readPolicies',
      'applyPolicies',
      'readPolicies',
      'restorePolicies',
      'readPolicies',
    ]);
    expect(loop.step('dev-a').phase).toBe('restored');
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.cluster.original['dev-a']);
  });

  it('a snapshot that cannot be read halts before anything is applied', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    loop.cluster.failures.readPolicies = 1;
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('halted');
    expect(loop.step('dev-a')).toMatchObject({ phase: 'restored', restoredWithoutChange: true, haltReason: { code: 'snapshot_failed' } });
    expect(loop.cluster.calls.map((c) => c.method)).toEqual(['readPolicies']);
    expect(loop.commands).toEqual([]);
  });

  it('a restore that fails is retried after restoreRetryMs with a new attempt, never given up', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }], config: { restoreRetryMs: 30_000 } });
    loop.cluster.failures.applyPolicies = 1;
    loop.cluster.failures.restorePolicies = 3;
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ followWakeUps: false });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(loop.step('dev-a').restore).toMatchObject({
        attempt: attempt + 1,
        lastError: 'restorePolicies dev-a: the API server answered 503',
      });
      expect(loop.commands.map((c) => c.type)).toEqual(['wakeAt']);
      const retryAt = Date.parse(loop.step('dev-a').restore!.retryAt!);
      expect(retryAt - loop.now.getTime()).toBe(30_000);
      loop.advanceTo(new Date(retryAt));
      await loop.run({ followWakeUps: false });
    }
    expect(loop.step('dev-a')).toMatchObject({
      phase: 'restored',
      restore: { attempt: 4, lastError: 'restorePolicies dev-a: the API server answered 503' },
    });
    expect(loop.cluster.calls.filter((c) => c.method === 'restorePolicies')).toHaveLength(4);
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.cluster.original['dev-a']);
  });
});
