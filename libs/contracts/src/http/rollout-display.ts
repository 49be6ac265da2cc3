/**
 * What a stage's badge says, read from the rollout's status and the stage's own, so that the two never
 * disagree: a stage under way in a halted rollout is halted, in an aborted one aborted. The API's
 * rollout list and the dashboard's rollout page both call `stageDisplay`.
 */
import type { PhaseCounts, RolloutStatus, Stage, StageStatus, Step } from './rollouts';

export const STAGE_DISPLAY_STATUSES = [
  'pending',
  'waiting_approval',
  'waiting_window',
  'waiting_coverage',
  'running',
  'paused',
  'halted',
  'rolling_back',
  'rolled_back',
  'aborted',
  'rejected',
  'completed',
  'not_started',
] as const;
export type StageDisplayStatus = (typeof STAGE_DISPLAY_STATUSES)[number];

export interface StageDisplay {
  status: StageDisplayStatus;
  namespaces: number;
  verified: number;
  /** snapshotted, applied, settled, probed or restoring */
  underWay: number;
  restored: number;
  pending: number;
}

/** A stage that has begun (running, or waiting for its approval) shows where the rollout is. */
const BEGUN: Record<RolloutStatus, StageDisplayStatus> = {
  draft: 'pending',
  scheduled: 'pending',
  running: 'running',
  waiting_approval: 'waiting_approval',
  waiting_window: 'waiting_window',
  waiting_coverage: 'waiting_coverage',
  paused: 'paused',
  halted: 'halted',
  aborted: 'aborted',
  rolling_back: 'rolling_back',
  rolled_back: 'rolled_back',
  completed: 'completed',
};

/** Rollout statuses in which a stage that has not begun never will. */
const ENDS_BEFORE_STARTING: readonly RolloutStatus[] = ['aborted', 'rolling_back', 'rolled_back', 'completed'];

function statusOf(rolloutStatus: RolloutStatus, stageStatus: StageStatus, phases: PhaseCounts): StageDisplayStatus {
  const putBack = (phases.restoring ?? 0) + (phases.restored ?? 0) > 0;
  const ended = ENDS_BEFORE_STARTING.includes(rolloutStatus);
  switch (stageStatus) {
    case 'rejected':
      return 'rejected';
    case 'pending':
      return ended ? 'not_started' : 'pending';
    case 'waiting_approval':
      // Nothing of it was applied: a rollout that ended or is rolling back never started it.
      return ended ? 'not_started' : BEGUN[rolloutStatus];
    case 'completed':
      if (!putBack) return 'completed';
      return rolloutStatus === 'rolling_back' ? 'rolling_back' : 'rolled_back';
    case 'running':
      return BEGUN[rolloutStatus];
  }
}

/** A stage's badge and counts, from the rollout's status, the stage's status and its namespaces by phase. */
export function stageDisplay(rolloutStatus: RolloutStatus, stageStatus: StageStatus, phases: PhaseCounts): StageDisplay {
  const count = (...names: Array<keyof PhaseCounts>) => names.reduce((sum, name) => sum + (phases[name] ?? 0), 0);
  return {
    status: statusOf(rolloutStatus, stageStatus, phases),
    namespaces: count('pending', 'snapshotted', 'applied', 'settled', 'probed', 'verified', 'restoring', 'restored'),
    verified: count('verified'),
    underWay: count('snapshotted', 'applied', 'settled', 'probed', 'restoring'),
    restored: count('restored'),
    pending: count('pending'),
  };
}

/** Every stage's display, from a rollout's state or its light view (its steps counted by tier and phase). */
export function stageDisplaysOf(rollout: {
  status: RolloutStatus;
  stages: readonly Pick<Stage, 'tier' | 'status'>[];
  steps: readonly Pick<Step, 'tier' | 'phase'>[];
}): StageDisplay[] {
  return rollout.stages.map((stage) => {
    const phases: PhaseCounts = {};
    for (const step of rollout.steps) if (step.tier === stage.tier) phases[step.phase] = (phases[step.phase] ?? 0) + 1;
    return stageDisplay(rollout.status, stage.status, phases);
  });
}
