import { type NewestPlan, nextActionsOf } from '../domain/next-actions';
import { SELF_DRIVEN_STATUSES, stallOf } from '../domain/stall';
import type { RolloutStall, RolloutState, RolloutView } from '../domain/types';
import type { RolloutStore } from './ports/rollout-store.port';

export interface StalledRollout {
  rollout: RolloutState;
  stall: RolloutStall;
}

/**
 * The rollouts that have not moved past their deadline (see `stallOf`), newest first. Only those unchanged
 * for longer than the deadline are read whole: readyz asks often, and a rollout's state can be large.
 */
export async function stalledRollouts(store: Pick<RolloutStore, 'list'>, now: Date, deadlineMs: number): Promise<StalledRollout[]> {
  const moving = await store.list({ statuses: [...SELF_DRIVEN_STATUSES], updatedBefore: new Date(now.getTime() - deadlineMs) });
  return moving.flatMap((rollout) => {
    const stall = stallOf(rollout, now, deadlineMs);
    return stall ? [{ rollout, stall }] : [];
  });
}

/**
 * Finds the stalled rollouts and records each stall in the audit log, once per version of the rollout:
 * answers those recorded by this call, for the caller to warn about.
 */
export async function reportStalls(
  store: Pick<RolloutStore, 'list' | 'recordStall'>,
  now: Date,
  deadlineMs: number,
): Promise<StalledRollout[]> {
  const reported: StalledRollout[] = [];
  for (const found of await stalledRollouts(store, now, deadlineMs))
    if (await store.recordStall(found.rollout, found.stall)) reported.push(found);
  return reported;
}

/** The rollout as the API shows it: with its stall, if it has stopped moving, and what can be done about a halt (`newest`: the cluster's newest plan). */
export function viewOf(rollout: RolloutState, now: Date, deadlineMs: number, newest?: NewestPlan): RolloutView {
  const stall = stallOf(rollout, now, deadlineMs);
  return { ...rollout, ...(stall ? { stalled: stall } : {}), nextActions: nextActionsOf(rollout, newest, now) };
}
