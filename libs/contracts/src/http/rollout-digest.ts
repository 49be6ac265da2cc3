import type { ProbeCounts, Probe, RolloutDigest, RolloutView, Stage, StageDigest, Step, StepDigest } from './rollouts';

/** How many of the probes there are, passed, and failed (or got through where they had to be blocked). */
export function probeCountsOf(probes: readonly Pick<Probe, 'outcome'>[]): ProbeCounts {
  let passed = 0;
  let failed = 0;
  for (const probe of probes) {
    if (probe.outcome === 'passed') passed++;
    else if (probe.outcome) failed++;
  }
  return { total: probes.length, passed, failed };
}

function stepDigestOf(step: Step): StepDigest {
  const { probes, snapshot: _snapshot, ...rest } = step;
  return { ...rest, probeCounts: probeCountsOf(probes) };
}

function stageDigestOf(stage: Stage): StageDigest {
  const { approval, ...rest } = stage;
  if (!approval) return rest;
  return {
    ...rest,
    approval: approval.decision
      ? { requestedAt: approval.requestedAt, decision: approval.decision }
      : { requestedAt: approval.requestedAt },
  };
}

/** The light view of a rollout (rolloutDigestSchema): its view less each step's probes and snapshot and the approvals' evidence. */
export function rolloutDigestOf(rollout: RolloutView): RolloutDigest {
  const { stages, steps, ...own } = rollout;
  return { ...own, view: 'digest', stages: stages.map(stageDigestOf), steps: steps.map(stepDigestOf) };
}
