/**
 * `executeCommand` at the moments that matter, one scenario each, on the real loop over in-memory ports:
 * a late apply, a worker that dies between the driver call and the record, a job delivered twice.
 */
import type { NetworkPolicy } from '@bulkhead/netpol';
import { CREATOR, simulate, snapshotTaken } from '../testing/fixtures';
import { executeCommand, reconcileAll } from './rollouts';

describe('executeCommand', () => {
  it('skips an apply that waited for the cluster while an abort restored the namespace: the late apply never lands', async () => {
    const world = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await world.send({ type: 'start', by: CREATOR });
    await world.send(snapshotTaken(world, 'dev-a'));
    const apply = world.commands.find((c) => c.type === 'applyPolicies')!;
    // the apply's worker is held up reading the plan ...
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const plans = world.deps.plans;
    world.deps.plans = { ...plans, policiesFor: async (planId, namespace) => held.then(() => plans.policiesFor(planId, namespace)) };
    const late = world.execute(apply.key);
    // ... while the rollout is aborted and the namespace restored
    await world.send({ type: 'abort', by: CREATOR });
    await world.run();
    expect(world.step('dev-a').phase).toBe('restored');
    release();
    expect(await late).toMatchObject({ status: 'skipped' });
    expect(world.cluster.calls.map((c) => c.method).filter((method) => method !== 'readPolicies')).toEqual(['restorePolicies']);
    expect(world.cluster.policiesOf('dev-a')).toEqual(world.cluster.original['dev-a']);
  });

  it('a worker that dies after applying and before recording leaves the apply to be done again, with the same outcome', async () => {
    const world = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await world.send({ type: 'start', by: CREATOR });
    const snapshot = world.commands[0]!;
    world.queue.flush(); // the job is the one this test runs
    const dying = {
      ...world.deps,
      checkpoint: (point: string) => {
        if (point === 'driver.applyPolicies') throw new Error('SIGKILL');
      },
    };
    await expect(executeCommand(dying, world.id, snapshot.key)).rejects.toThrow('SIGKILL');
    expect(world.step('dev-a').phase).toBe('snapshotted'); // applied in the cluster, not in the state
    expect(world.cluster.policiesOf('dev-a')).toEqual(world.plan['dev-a']);
    // the job is lost with the worker; the reconciler re-derives the apply from the state
    await reconcileAll(world.deps);
    await world.run();
    expect(world.state.status).toBe('completed');
    expect(world.cluster.calls.filter((c) => c.method === 'applyPolicies')).toHaveLength(2);
    expect(world.cluster.policiesOf('dev-a')).toEqual(world.plan['dev-a']);
    expect(world.step('dev-a').snapshot?.policies).toEqual(world.cluster.original['dev-a']);
  });

  it('the same job delivered to two workers at once records its result once', async () => {
    const world = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }], config: { settleMs: 0 } });
    await world.send({ type: 'start', by: CREATOR });
    const key = world.commands[0]!.key;
    world.queue.flush();
    const outcomes = await Promise.all([world.execute(key), world.execute(key)]);
    expect(outcomes.map((o) => o.status)).toContain('done');
    await world.run();
    expect(world.state.status).toBe('completed');
    expect(world.audit.filter((a) => a.action === 'rollout.step.snapshot')).toHaveLength(1);
    expect(world.audit.filter((a) => a.action === 'rollout.step.verify')).toHaveLength(1);
    expect(world.cluster.policiesOf('dev-a')).toEqual(world.plan['dev-a'] as unknown as NetworkPolicy[]);
  });
});
