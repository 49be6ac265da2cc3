import { stageDisplay } from '@bulkhead/contracts';
import {
  CLUSTER_STAGE,
  type PhaseCounts,
  type RolloutOutline,
  type RolloutStall,
  type RolloutState,
  type RolloutSummary,
  type StageTier,
  type StepPhase,
} from './types';

/** The outline of a whole state: its own fields, its stages, and its steps counted by tier and phase. */
export function outlineOf(rollout: RolloutState): RolloutOutline {
  const { stages, steps, ...header } = rollout;
  const counts = new Map<string, RolloutOutline['stepCounts'][number]>();
  for (const step of steps) {
    const key = `${step.tier}/${step.phase}`;
    const found = counts.get(key);
    if (found) found.count++;
    else counts.set(key, { tier: step.tier, phase: step.phase, count: 1 });
  }
  return { header, stages: stages.map(({ tier, status }) => ({ tier, status })), stepCounts: [...counts.values()] };
}

/** What GET /api/v1/rollouts lists of a rollout (see RolloutSummary), from its outline and its stall, if it has one. */
export function summaryOfOutline(outline: RolloutOutline, stalled?: RolloutStall): RolloutSummary {
  const { id, clusterId, planId, planVersion, createdBy, createdAt, status, scheduledAt, opensAt, startedAt, finishedAt, updatedAt } =
    outline.header;
  const { version, halt, pausedBy, excluded } = outline.header;
  const phases: PhaseCounts = {};
  const byTier = new Map<StageTier, { namespaces: number; phases: PhaseCounts }>();
  let namespaces = 0;
  // The cluster stage's one step is the guardrails, not a namespace: its phase is told apart, never counted among them.
  let guardrails: StepPhase | undefined;
  for (const { tier, phase, count } of outline.stepCounts) {
    const stage = byTier.get(tier) ?? { namespaces: 0, phases: {} };
    stage.phases[phase] = (stage.phases[phase] ?? 0) + count;
    byTier.set(tier, stage);
    if (tier === CLUSTER_STAGE) {
      guardrails = phase;
      continue;
    }
    phases[phase] = (phases[phase] ?? 0) + count;
    namespaces += count;
    stage.namespaces += count;
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
    excluded: excluded ?? [],
    stalled,
    namespaces,
    phases,
    ...(guardrails ? { guardrails } : {}),
    stages: outline.stages.map(({ tier, status: stageStatus }) => {
      const stagePhases = byTier.get(tier)?.phases ?? {};
      return {
        tier,
        status: stageStatus,
        display: stageDisplay(status, stageStatus, stagePhases).status,
        namespaces: byTier.get(tier)?.namespaces ?? 0,
        phases: stagePhases,
      };
    }),
  };
}

/** What GET /api/v1/rollouts lists of a rollout read whole. */
export function summaryOf(rollout: RolloutState & { stalled?: RolloutStall }): RolloutSummary {
  return summaryOfOutline(outlineOf(rollout), rollout.stalled);
}
