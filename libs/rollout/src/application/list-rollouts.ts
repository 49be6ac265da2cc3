import type { KeysetPage, NewestFirstPosition, PageRequest } from '@bulkhead/contracts';
import { SELF_DRIVEN_STATUSES } from '../domain/stall';
import { summaryOf, summaryOfOutline } from '../domain/summary';
import type { RolloutOutline, RolloutSummary } from '../domain/types';
import type { RolloutListFilter, RolloutListing } from './ports/rollout-listing.port';
import type { RolloutStore } from './ports/rollout-store.port';
import { viewOf } from './stalls';

/**
 * A page of rollouts as summaries, newest first. Each is made from its outline, which is read without
 * the steps; only a rollout that may have stalled (moving by itself, unchanged for longer than the
 * deadline) is read whole, since its stall and reason come from its steps.
 */
export async function listRollouts(
  store: RolloutListing & Pick<RolloutStore, 'get'>,
  filter: RolloutListFilter,
  page: PageRequest<NewestFirstPosition>,
  now: Date,
  deadlineMs: number,
): Promise<KeysetPage<RolloutSummary, NewestFirstPosition>> {
  const found = await store.outlines(filter, page);
  const mayHaveStalled = (outline: RolloutOutline) =>
    SELF_DRIVEN_STATUSES.includes(outline.header.status) && Date.parse(outline.header.updatedAt) < now.getTime() - deadlineMs;
  const items = await Promise.all(
    found.items.map(async (outline) => {
      const whole = mayHaveStalled(outline) ? await store.get(outline.header.id) : null;
      return whole ? summaryOf(viewOf(whole, now, deadlineMs)) : summaryOfOutline(outline);
    }),
  );
  return { items, next: found.next };
}
