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

export function viewOf(rollout: RolloutState, now: Date, deadlineMs: number): RolloutView {
  const stall = stallOf(rollout, now, deadlineMs);
  return stall ? { ...rollout, stalled: stall } : rollout;
}
