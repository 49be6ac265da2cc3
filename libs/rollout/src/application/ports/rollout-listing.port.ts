import type { KeysetPage, NewestFirstPosition, PageRequest } from '@bulkhead/contracts';
import type { RolloutOutline, RolloutStatus } from '../../domain/types';

export interface RolloutListFilter {
  clusterId?: string;
  statuses?: RolloutStatus[];
}

/** Lists rollouts by their outlines, read without their steps, newest first. */
export interface RolloutListing {
  outlines(filter: RolloutListFilter, page: PageRequest<NewestFirstPosition>): Promise<KeysetPage<RolloutOutline, NewestFirstPosition>>;
}
