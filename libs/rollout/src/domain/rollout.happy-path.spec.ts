import { APPROVER, CREATOR, simulate, THREE_TIERS } from '../testing/fixtures';
import type { RolloutCommand } from './types';
import type { RolloutWorld } from '../testing/rollout-world';

describe('a full rollout: dev, then staging, then prod, with approvals', () => {
  let loop: RolloutWorld;
  beforeAll(async () => {
    loop = await simulate({ namespaces: THREE_TIERS });
  });
  const approvals: Array<Extract<RolloutCommand, { type: 'requestApproval' }>> = [];

  it('is created as a draft with stages in tier order and waves of 1, 2, 4, fewest dependents first', async () => {
    expect(loop.state.status).toBe('draft');
    expect(loop.state.version).toBe(1);
    expect(loop.state.stages.map((s) => [s.tier, s.waves.map((w) => w.map((id) => id.split('.')[1]))])).toEqual([
      ['dev', [['dev-a']]],
      ['staging', [['staging-a'], ['staging-c', 'staging-b']]],
      ['prod', [['prod-b'], ['prod-c', 'prod-d'], ['prod-a']]],
    ]);
    expect(loop.commands).toEqual([]);
  });

  it('runs the dev canary through every phase and stops at the staging gate', async () => {
    await loop.send({ type: 'start', by: CREATOR });
    expect(loop.commands.map((c) => c.type)).toEqual(['snapshotNamespace']);
    await loop.run();
    expect(loop.step('dev-a').phase).toBe('verified');
    expect(loop.state.status).toBe('waiting_approval');
    const request = loop.commands.find((c) => c.type === 'requestApproval');
    expect(request).toBeDefined();
    approvals.push(request as Extract<RolloutCommand, { type: 'requestApproval' }>);
    expect(loop.step('staging-a').startedAt).toBeUndefined();
  });

  it('asks for approval with the previous tier’s probe results and the next tier’s diff as evidence', async () => {
    const evidence = approvals[0]!.evidence;
    expect(approvals[0]!.tier).toBe('staging');
    expect(evidence.previousTier).toBe('dev');
    expect(evidence.diffRef).toBe('plan-7/diff/staging');
    expect(evidence.steps).toEqual([
      expect.objectContaining({
        namespace: 'dev-a',
        phase: 'verified',
        probes: expect.arrayContaining([
          expect.objectContaining({ id: 'connect-dev-a', outcome: 'passed', attempts: 1 }),
          expect.objectContaining({ id: 'blocked-dev-a', outcome: 'passed' }),
        ]),
      }),
    ]);
  });

  it('refuses the creator as approver, and moves on when another approver approves', async () => {
    const refused = await loop.send({ type: 'approve', tier: 'staging', by: CREATOR, actorId: CREATOR, role: 'approver' }, true);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rollout.forbidden' } });
    await loop.send({ type: 'approve', tier: 'staging', by: APPROVER, actorId: APPROVER, role: 'approver', comment: 'dev looks good' });
    expect(loop.state.stages[1]!.approval?.decision).toMatchObject({ approved: true, by: APPROVER, comment: 'dev looks good' });
    expect(loop.state.status).toBe('running');
    await loop.run();
    expect(['staging-a', 'staging-b', 'staging-c'].map((n) => loop.step(n).phase)).toEqual(['verified', 'verified', 'verified']);
    expect(loop.state.status).toBe('waiting_approval');
    const request = loop.commands.find((c): c is Extract<RolloutCommand, { type: 'requestApproval' }> => c.type === 'requestApproval');
    expect(request?.tier).toBe('prod');
    expect(request?.evidence.previousTier).toBe('staging');
    expect(request?.evidence.steps.map((s) => s.namespace)).toEqual(['staging-a', 'staging-c', 'staging-b']);
  });

  it('completes prod after its approval', async () => {
    await loop.send({ type: 'approve', tier: 'prod', by: APPROVER, actorId: APPROVER, role: 'approver' });
    await loop.run();
    expect(loop.state.status).toBe('completed');
    expect(loop.state.finishedAt).toBeDefined();
    expect(loop.state.steps.every((s) => s.phase === 'verified')).toBe(true);
    expect(loop.commands).toEqual([]);
  });

  it('leaves the plan’s policies on every namespace', async () => {
    for (const s of loop.state.steps) expect(loop.cluster.policiesOf(s.namespace)).toEqual(loop.plan[s.namespace]);
  });

  it('stored each namespace’s snapshot exactly as it was before', async () => {
    for (const s of loop.state.steps) expect(s.snapshot?.policies).toEqual(loop.cluster.original[s.namespace]);
  });

  it('never started a wave before the previous one was verified, nor a stage before the previous was done', async () => {
    const steps = loop.state.steps;
    for (const stage of loop.state.stages) {
      for (let w = 1; w < stage.waves.length; w++) {
        const before = stage.waves[w - 1]!.map((id) => steps.find((s) => s.id === id)!);
        const now = stage.waves[w]!.map((id) => steps.find((s) => s.id === id)!);
        const lastVerified = Math.max(...before.map((s) => Date.parse(s.verifiedAt!)));
        for (const s of now) expect(Date.parse(s.startedAt!)).toBeGreaterThanOrEqual(lastVerified);
      }
    }
    const prodFirst = Math.min(...steps.filter((s) => s.tier === 'prod').map((s) => Date.parse(s.startedAt!)));
    const approvedAt = Date.parse(loop.state.stages[2]!.approval!.decision!.at);
    expect(prodFirst).toBeGreaterThanOrEqual(approvedAt);
  });

  it('waited the settle time between apply and probes (a wake-up, not a sleep)', async () => {
    for (const s of loop.state.steps) expect(Date.parse(s.settledAt!) - Date.parse(s.appliedAt!)).toBeGreaterThanOrEqual(60_000);
  });

  it('bumped the version by one on every change and audited every change', async () => {
    loop.history.forEach((s, i) => expect(s.version).toBe(i + 1));
    const actions = loop.audit.map((a) => a.action);
    for (const a of [
      'rollout.status.running',
      'rollout.step.start',
      'rollout.step.snapshot',
      'rollout.step.apply',
      'rollout.step.settle',
      'rollout.step.probe',
      'rollout.step.verify',
      'rollout.stage.request_approval',
      'rollout.stage.approve',
      'rollout.stage.complete',
      'rollout.status.completed',
    ]) {
      expect(actions).toContain(a);
    }
    expect(loop.audit[0]).toMatchObject({ action: 'rollout.create', version: 1 });
    expect(loop.audit.slice(1).every((a) => a.rolloutId === 'r1' && a.version >= 2 && a.action.startsWith('rollout.'))).toBe(true);
    // what the cluster was told, before and after, is audited with the step that made the change
    expect(loop.audit.filter((a) => a.action === 'rollout.step.policies_applied')).toHaveLength(8);
  });

  it("leaves the inventory holding each namespace's policies as the cluster reports them", async () => {
    for (const step of loop.state.steps) expect(loop.inventory.get(step.namespace)).toEqual(loop.cluster.policiesOf(step.namespace));
  });

  it('audits each apply with the policies before and after, and their names', async () => {
    const applied = loop.audit.find((a) => a.action === 'rollout.step.policies_applied' && a.namespace === 'dev-a');
    expect(applied?.detail).toEqual({
      before: loop.cluster.original['dev-a'],
      after: loop.cluster.policiesOf('dev-a'),
      afterSource: 'cluster',
      policies: { before: ['legacy-allow-all', 'zz-keep'], after: ['allow-web-db', 'default-deny'] },
    });
  });

  it('called the driver once per snapshot and apply, and read each namespace back after its apply', async () => {
    const count = (method: string) => loop.cluster.calls.filter((c) => c.method === method).length;
    expect(count('readPolicies')).toBe(16);
    expect(count('applyPolicies')).toBe(8);
    expect(count('restorePolicies')).toBe(0);
  });
});
