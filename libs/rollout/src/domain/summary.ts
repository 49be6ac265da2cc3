import type { PhaseCounts, RolloutSummary, RolloutView, Tier } from './types';

/** What GET /api/v1/rollouts lists of a rollout (see RolloutSummary). */
export function summaryOf(rollout: RolloutView): RolloutSummary {
  const {
    id,
    clusterId,
    planId,
    planVersion,
    createdBy,
    createdAt,
    status,
    scheduledAt,
    opensAt,
    startedAt,
    finishedAt,
    updatedAt,
    version,
    halt,
    pausedBy,
    stalled,
  } = rollout;
  const phases: PhaseCounts = {};
  const byTier = new Map<Tier, PhaseCounts>(rollout.stages.map((stage) => [stage.tier, {}]));
  for (const step of rollout.steps) {
    phases[step.phase] = (phases[step.phase] ?? 0) + 1;
    const tierPhases = byTier.get(step.tier);
    if (tierPhases) tierPhases[step.phase] = (tierPhases[step.phase] ?? 0) + 1;
  }
  return {
    id,
    clusterId,
    planId,
    planVersion,
    createdBy,
    createdAt,
    status,
    scheduledAt,
    opensAt,
    startedAt,
    finishedAt,
    updatedAt,
    version,
    halt,
    pausedBy,
    stalled,
    namespaces: rollout.steps.length,
    phases,
    stages: rollout.stages.map((stage) => ({
      tier: stage.tier,
      status: stage.status,
      namespaces: stage.waves.reduce((n, wave) => n + wave.length, 0),
      phases: byTier.get(stage.tier) ?? {},
    })),
  };
}
