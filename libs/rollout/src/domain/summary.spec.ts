import { summaryOf } from './summary';
import { APPROVER, CREATOR, simulate, THREE_TIERS } from '../testing/fixtures';
import { scripted } from '../testing/in-memory-cluster';

describe('a rollout summary', () => {
  it('counts the namespaces per phase, over the rollout and per stage, and keeps where it stands', async () => {
    const loop = await simulate({ namespaces: THREE_TIERS });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run(); // dev verified, staging waits for an approval
    const summary = summaryOf(loop.state);
    expect(summary).toMatchObject({
      id: loop.state.id,
      status: 'waiting_approval',
      version: loop.state.version,
      namespaces: 8,
      phases: { verified: 1, pending: 7 },
    });
    expect(summary.stages).toEqual([
      { tier: 'dev', status: 'completed', display: 'completed', namespaces: 1, phases: { verified: 1 } },
      { tier: 'staging', status: 'waiting_approval', display: 'waiting_approval', namespaces: 3, phases: { pending: 3 } },
      { tier: 'prod', status: 'pending', display: 'pending', namespaces: 4, phases: { pending: 4 } },
    ]);
  });

  it('counts the cluster stage’s step as the guardrails, not as a namespace, over the rollout and in its stage', async () => {
    const loop = await simulate({
      namespaces: [
        { name: 'dev-a', tier: 'dev' },
        { name: 'staging-a', tier: 'staging' },
        { name: 'prod-a', tier: 'prod' },
      ],
      guardrails: 'beforeDev',
      approvalTiers: [],
      oracle: scripted({ 'connect-staging-prod': ['reached'] }),
    });
    await loop.send({ type: 'start', by: CREATOR });
    expect(summaryOf(loop.state)).toMatchObject({ namespaces: 3, phases: { pending: 3 }, guardrails: 'pending' });
    await loop.send({ type: 'approve', tier: 'cluster', by: APPROVER, actorId: APPROVER, role: 'approver' });
    await loop.run();
    const summary = summaryOf(loop.state);
    expect(summary).toMatchObject({ status: 'completed', namespaces: 3, phases: { verified: 3 }, guardrails: 'verified' });
    expect(summary.stages[0]).toEqual({
      tier: 'cluster',
      status: 'completed',
      display: 'completed',
      namespaces: 0,
      phases: { verified: 1 },
    });
    expect(summaryOf((await simulate({ namespaces: THREE_TIERS })).state)).not.toHaveProperty('guardrails');
  });

  it('leaves out the steps, their snapshots and probes', async () => {
    const loop = await simulate({ namespaces: THREE_TIERS });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    const summary = summaryOf(loop.state);
    expect(summary).not.toHaveProperty('steps');
    expect(summary).not.toHaveProperty('config');
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(loop.state).length / 4);
  });
});
