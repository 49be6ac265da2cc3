import { setQuery, useLocation } from '../../../app/router';
import type { MapFilters, ReviewFilter } from '../filters';

const REVIEWS: ReviewFilter[] = ['all', 'unreviewed', 'confirmed', 'rejected'];

/** The map's filters live in the address, so that a filtered map can be shared as a link. */
export function useMapFilters(): [Omit<MapFilters, 'focus'>, (change: Partial<Omit<MapFilters, 'focus'>>) => void] {
  const { query } = useLocation();
  const review = query.get('review') as ReviewFilter | null;
  const filters = {
    namespace: query.get('namespace') ?? '',
    search: query.get('q') ?? '',
    crossTierOnly: query.get('crossTier') === '1',
    review: review && REVIEWS.includes(review) ? review : 'all',
    showHealthChecks: query.get('health') === '1',
    showDns: query.get('dns') === '1',
    showFanOut: query.get('fanout') === '1',
    showBlocked: query.get('blocked') !== '0',
  };
  const update = (change: Partial<Omit<MapFilters, 'focus'>>) => {
    const values: Record<string, string | null> = {};
    if (change.namespace !== undefined) values.namespace = change.namespace || null;
    if (change.search !== undefined) values.q = change.search || null;
    if (change.crossTierOnly !== undefined) values.crossTier = change.crossTierOnly ? '1' : null;
    if (change.review !== undefined) values.review = change.review === 'all' ? null : change.review;
    if (change.showHealthChecks !== undefined) values.health = change.showHealthChecks ? '1' : null;
    if (change.showDns !== undefined) values.dns = change.showDns ? '1' : null;
    if (change.showFanOut !== undefined) values.fanout = change.showFanOut ? '1' : null;
    if (change.showBlocked !== undefined) values.blocked = change.showBlocked ? null : '0';
    setQuery(values);
  };
  return [filters, update];
}
