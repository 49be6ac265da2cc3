import { summaryOf } from './summary';
import { CREATOR, simulate, THREE_TIERS } from '../testing/fixtures';

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
