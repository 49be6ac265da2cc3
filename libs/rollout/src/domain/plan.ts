/**
 * How a rollout is cut into stages and waves. Plain data in, plain data out.
 */
import { TIERS, type Tier } from './types';

export interface PlanNamespace {
  name: string;
  tier: Tier;
  /** how many namespaces depend on this one */
  dependents: number;
}

export interface PlannedStage {
  tier: Tier;
  /** namespace names, wave by wave */
  waves: string[][];
}

export const DEFAULT_WAVES: readonly number[] = [1, 2, 4];

/**
 * Stages in tier order (dev, staging, prod; tiers without namespaces are left out); within a stage,
 * namespaces sorted by fewest dependents first, ties by name, cut into waves of the given sizes (the last
 * size repeats). With [1, 2, 4] the first namespace of every tier is a canary.
 */
export function planRollout(input: { namespaces: readonly PlanNamespace[]; waves?: readonly number[] }): PlannedStage[] {
  const sizes = input.waves && input.waves.length > 0 ? input.waves : DEFAULT_WAVES;
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new RangeError(`wave sizes must be positive integers (got ${sizes.join(', ')})`);
  const stages: PlannedStage[] = [];
  for (const tier of TIERS) {
    const members = input.namespaces
      .filter((n) => n.tier === tier)
      .slice()
      .sort((a, b) => a.dependents - b.dependents || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (members.length === 0) continue;
    const waves: string[][] = [];
    let i = 0;
    while (i < members.length) {
      const size = sizes[Math.min(waves.length, sizes.length - 1)]!;
      waves.push(members.slice(i, i + size).map((m) => m.name));
      i += size;
    }
    stages.push({ tier, waves });
  }
  return stages;
}
