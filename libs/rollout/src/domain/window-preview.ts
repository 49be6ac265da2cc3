/**
 * What a rollout's windows and freezes would allow, before the rollout exists: per tier, the next
 * openings after an instant. The form of a new rollout shows them; nothing is created.
 */
import { windowsFor } from './commands';
import { validateConfig, type Problem } from './create';
import { nextOpenings, type Opening } from './time/windows';
import { TIERS, type CreateRolloutInput, type Tier } from './types';

/** The openings shown per tier unless asked otherwise. */
export const PREVIEW_OPENINGS = 3;

/**
 * The next `count` openings of each tier's windows minus the freezes that apply to it, at or after
 * `from`; or every problem of the config, each naming its field (as a rollout request would be refused).
 */
export function previewWindows(
  config: CreateRolloutInput['config'],
  from: Date,
  count = PREVIEW_OPENINGS,
): { ok: true; tiers: Record<Tier, Opening[]> } | { ok: false; problems: Problem[] } {
  const problems = validateConfig(config);
  if (problems.length > 0) return { ok: false, problems };
  const scheduled = { windows: config?.windows ?? {}, freezes: config?.freezes ?? [] };
  const tiers = Object.fromEntries(
    TIERS.map((tier) => {
      const { windows, freezes } = windowsFor(scheduled, tier);
      return [tier, nextOpenings(from, windows, freezes, count)];
    }),
  ) as Record<Tier, Opening[]>;
  return { ok: true, tiers };
}
