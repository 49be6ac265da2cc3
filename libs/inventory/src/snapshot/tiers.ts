import type { Tier } from '@bulkhead/contracts';

/**
 * A namespace leaves prod only by an approver's hand. Rollouts ask for approval by tier, so moving a
 * namespace to dev first (by a PATCH, or by a snapshot whose labels say dev) would otherwise take its
 * next rollout past every approver.
 */

export interface TierOfNamespace {
  labelTier: Tier | null;
  tierOverride: Tier | null;
}

/** A namespace's tier: the one a person set, else the one its labels name. */
export const effectiveTier = (ns: TierOfNamespace): Tier | null => ns.tierOverride ?? ns.labelTier;

/**
 * The override a namespace keeps when an import brings new labels: a person's choice stays, and a
 * namespace that was prod is pinned to prod when its new labels would take it out.
 */
export function overrideAfterImport(previous: TierOfNamespace | undefined, labelTier: Tier | null): Tier | null {
  if (!previous) return null;
  if (effectiveTier(previous) === 'prod' && (previous.tierOverride ?? labelTier) !== 'prod') return 'prod';
  return previous.tierOverride;
}

/** Whether setting this override takes the namespace out of prod (which needs an approver). */
export function leavesProd(current: TierOfNamespace, override: Tier | null): boolean {
  return effectiveTier(current) === 'prod' && (override ?? current.labelTier) !== 'prod';
}
