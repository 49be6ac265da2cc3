import { stalledRollouts, type RolloutStore, type StalledRollout } from '@bulkhead/rollout';
import type { HealthIndicatorService } from '@nestjs/terminus';

export const STALLED_ROLLOUTS = Symbol('StalledRollouts');

/** How long the search for stalled rollouts may take before readyz and /metrics answer without it. */
const SEARCH_TIMEOUT_MS = 2000;

/**
 * The stalled rollouts, as readyz and /metrics show them. Both may be open to anyone (probes, a public
 * scrape), and a search reads whole rollout states: one search serves every caller for a while, so a
 * caller who asks in a loop costs at most one search per period. The period is a tenth of the stall
 * deadline, at most 5 s: a stall is shown, and its end too, at most that late.
 */
export interface StalledRolloutsSearch {
  /** The stalled rollouts of the latest search, or a rejection saying why the search failed. */
  recent(): Promise<StalledRollout[]>;
}

export function searchStalledRollouts(
  indicators: HealthIndicatorService,
  store: Pick<RolloutStore, 'list'>,
  stallMs: number,
): StalledRolloutsSearch {
  const reuseMs = Math.min(5000, stallMs / 10);
  return {
    async recent() {
      const found = await indicators
        .check('stalledRollouts')
        .attempt(async () => ({ rollouts: await stalledRollouts(store, new Date(), stallMs) }))
        .withTimeout(SEARCH_TIMEOUT_MS)
        .cacheFor(reuseMs);
      const { status, rollouts, message } = found.stalledRollouts as { status: string; rollouts?: StalledRollout[]; message?: string };
      if (status !== 'up' || !rollouts) throw new Error(`the search for stalled rollouts failed: ${message}`);
      return rollouts;
    },
  };
}
