import { probeCountsOf, rolloutDigestOf } from './rollout-digest';
import type { Probe, RolloutView } from './rollouts';

const probe = (id: string, outcome?: Probe['outcome']): Probe => ({
  id,
  kind: 'must-connect',
  from: 'shop/web',
  to: 'shop/api',
  expectation: 'connect',
  attempts: outcome ? [{ attempt: 1, observed: outcome === 'passed' ? 'reached' : 'not_reached', at: '2026-12-01T00:00:00Z' }] : [],
  ...(outcome ? { outcome } : {}),
});

describe('the light view of a rollout', () => {
  it('counts a probe that got through where it had to be blocked as failed, and one not run as neither', () => {
    expect(probeCountsOf([probe('a', 'passed'), probe('b', 'failed'), probe('c', 'not_enforced'), probe('d')])).toEqual({
      total: 4,
      passed: 1,
      failed: 2,
    });
  });

  it('leaves out the probes, the snapshot and the evidence, and keeps the rest as it is', () => {
    const decision = { approved: true, by: 'ana', role: 'approver', at: '2026-12-01T01:00:00Z' };
    const evidence = { steps: [], planId: 'p1', planVersion: 3 };
    const view = {
      id: 'r1',
      status: 'running',
      version: 7,
      nextActions: [],
      stages: [
        {
          tier: 'dev',
          status: 'completed',
          waves: [['s-shop']],
          approvalRequired: true,
          approval: { requestedAt: 'then', evidence, decision },
        },
      ],
      steps: [
        {
          id: 's-shop',
          namespace: 'shop',
          tier: 'dev',
          wave: 0,
          dependents: 1,
          phase: 'verified',
          snapshot: { takenAt: 'then', policies: [{ kind: 'NetworkPolicy' }] },
          probes: [probe('a', 'passed'), probe('b')],
        },
      ],
    } as unknown as RolloutView;
    expect(rolloutDigestOf(view)).toEqual({
      id: 'r1',
      status: 'running',
      version: 7,
      nextActions: [],
      view: 'digest',
      stages: [
        { tier: 'dev', status: 'completed', waves: [['s-shop']], approvalRequired: true, approval: { requestedAt: 'then', decision } },
      ],
      steps: [
        {
          id: 's-shop',
          namespace: 'shop',
          tier: 'dev',
          wave: 0,
          dependents: 1,
          phase: 'verified',
          probeCounts: { total: 2, passed: 1, failed: 0 },
        },
      ],
    });
  });
});
