import { APPROVER, CREATOR, simulate, THREE_TIERS } from '../testing/fixtures';
import type { Tier } from './types';

const ONLY = (tier: Tier) => THREE_TIERS.filter((n) => n.tier === tier);

describe('approval is required by tier, not by position', () => {
  it('a rollout of prod namespaces only waits for an approver before anything is applied', async () => {
    const loop = await simulate({ namespaces: ONLY('prod') });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('waiting_approval');
    expect(loop.state.stages[0]).toMatchObject({ tier: 'prod', status: 'waiting_approval', approvalRequired: true });
    expect(loop.state.stages[0]!.approval?.evidence).toMatchObject({ steps: [] });
    expect(loop.state.stages[0]!.approval?.evidence.previousTier).toBeUndefined();
    expect(loop.state.steps.every((s) => s.phase === 'pending' && !s.startedAt)).toBe(true);
    expect(loop.commands.map((c) => c.type)).toEqual(['requestApproval']);

    await loop.send({ type: 'approve', tier: 'prod', by: APPROVER, actorId: APPROVER, role: 'approver' });
    await loop.run();
    expect(loop.state.status).toBe('completed');
  });

  it('a rollout that starts in staging waits for its first stage too', async () => {
    const loop = await simulate({ namespaces: [...ONLY('staging'), ...ONLY('prod')] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.stages.map((s) => s.status)).toEqual(['waiting_approval', 'pending']);
  });

  it('a dev-only rollout needs no approval under the default policy', async () => {
    const loop = await simulate({ namespaces: ONLY('dev') });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('completed');
    expect(loop.state.stages[0]!.approval).toBeUndefined();
  });

  it('follows the configured tiers: with prod alone, staging follows dev without a gate', async () => {
    const loop = await simulate({ namespaces: THREE_TIERS, approvalTiers: ['prod'] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.stages.map((s) => s.status)).toEqual(['completed', 'completed', 'waiting_approval']);
    expect(loop.state.stages[2]!.approval?.evidence.previousTier).toBe('staging');
  });

  it('a dev stage waits too when the policy names dev', async () => {
    const loop = await simulate({ namespaces: ONLY('dev'), approvalTiers: ['dev', 'staging', 'prod'] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('waiting_approval');
  });
});

describe('the creator never approves, whatever credential they use', () => {
  it('refuses an approval by the same person under another name (another token of theirs)', async () => {
    const loop = await simulate({ namespaces: ONLY('prod') });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    const before = loop.state;
    const result = await loop.send({ type: 'approve', tier: 'prod', by: 'token:alice-ci', actorId: CREATOR, role: 'approver' }, true);
    expect(result).toMatchObject({ ok: false, error: { code: 'rollout.forbidden' } });
    expect(loop.state).toBe(before);
  });

  it("accepts another person even when they use the creator's display name", async () => {
    const loop = await simulate({ namespaces: ONLY('prod') });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    await loop.send({ type: 'approve', tier: 'prod', by: CREATOR, actorId: APPROVER, role: 'approver' });
    expect(loop.state.stages[0]!.status).toBe('running');
  });
});
