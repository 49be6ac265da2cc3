import { applyRolloutPatch, rolloutPatch } from './rollout-events';
import type { RolloutView } from './rollouts';

const step = (namespace: string, phase: string) => ({
  id: `s-${namespace}`,
  namespace,
  tier: 'dev',
  wave: 0,
  dependents: 0,
  phase,
  probes: [],
});

/** A rollout of three namespaces, as much of one as a patch looks at. */
const rollout = (version: number, phases: string[], extra: Record<string, unknown> = {}) =>
  ({
    id: 'r1',
    status: 'running',
    version,
    stages: [{ tier: 'dev', status: 'running', waves: [['s-a', 's-b', 's-c']], approvalRequired: false }],
    steps: ['a', 'b', 'c'].map((ns, i) => step(ns, phases[i]!)),
    ...extra,
  }) as unknown as RolloutView;

describe('a rollout patch', () => {
  it('carries only the steps and fields that changed, and rebuilds the next state from the one before', () => {
    const before = rollout(4, ['verified', 'applied', 'pending']);
    const after = rollout(5, ['verified', 'settled', 'pending']);
    const patch = rolloutPatch(before, after);
    expect(patch).toEqual({ from: 4, version: 5, set: { version: 5 }, unset: [], stages: [], steps: [[1, after.steps[1]]] });
    expect(applyRolloutPatch(before, patch)).toEqual(after);
  });

  it('says which fields went away, as a stall that ended', () => {
    const stalled = rollout(7, ['applied', 'pending', 'pending'], { stalled: { since: 'x', deadlineMs: 1, reason: 'r' } });
    const moving = rollout(7, ['applied', 'pending', 'pending']);
    const patch = rolloutPatch(stalled, moving);
    expect(patch).toMatchObject({ from: 7, version: 7, set: {}, unset: ['stalled'], steps: [] });
    expect(applyRolloutPatch(stalled, patch)).toEqual(moving);
  });

  it('is not applied to a state of another version', () => {
    const patch = rolloutPatch(rollout(4, ['applied', 'pending', 'pending']), rollout(5, ['settled', 'pending', 'pending']));
    expect(applyRolloutPatch(rollout(3, ['pending', 'pending', 'pending']), patch)).toBeNull();
  });
});
