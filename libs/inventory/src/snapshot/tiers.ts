import type { Tier } from '@bulkhead/contracts';

/**
 * A namespace goes down from a tier under approval only by an approver's hand. Rollouts ask for
 * approval by tier, so moving a prod namespace to dev first (by a PATCH, or by a snapshot whose labels
 * say dev, or by a snapshot that leaves it out and a later one that brings it back as dev) would
 * otherwise take its next rollout past every approver. So each namespace has a floor: the highest tier
 * under approval it has been in. It outlives the namespace's row (a snapshot may leave a namespace
 * out), and only an approver lowers it.
 */

export interface TierOfNamespace {
  labelTier: Tier | null;
  tierOverride: Tier | null;
}

const RANK: Record<Tier, number> = { dev: 0, staging: 1, prod: 2 };

/** A namespace's tier: the one a person set, else the one its labels name. */
export const effectiveTier = (ns: TierOfNamespace): Tier | null => ns.tierOverride ?? ns.labelTier;

const below = (tier: Tier | null, floor: Tier): boolean => tier === null || RANK[tier] < RANK[floor];

/** The floor after a namespace is in `tier`: raised to it when it is a tier under approval, never lowered here. */
export function floorAfter(tier: Tier | null, floor: Tier | null, approvalTiers: readonly Tier[]): Tier | null {
  const raised = tier !== null && approvalTiers.includes(tier) ? tier : null;
  if (raised === null) return floor;
  return floor === null || RANK[raised] > RANK[floor] ? raised : floor;
}

/**
 * The override a namespace gets when an import brings new labels: a person's choice stays, and one
 * whose labels would take it below its floor is kept at its floor.
 */
export function overrideAfterImport(previous: TierOfNamespace | undefined, labelTier: Tier | null, floor: Tier | null): Tier | null {
  const override = previous?.tierOverride ?? null;
  return floor !== null && below(override ?? labelTier, floor) ? floor : override;
}

/** Whether setting this override takes the namespace below its floor (its tier under approval, or one it has been in): that needs an approver. */
export function lowersBelowFloor(
  current: TierOfNamespace,
  override: Tier | null,
  floor: Tier | null,
  approvalTiers: readonly Tier[],
): boolean {
  const effectiveFloor = floorAfter(effectiveTier(current), floor, approvalTiers);
  return effectiveFloor !== null && below(override ?? current.labelTier, effectiveFloor);
}
