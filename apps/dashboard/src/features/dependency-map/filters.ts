import type { BlockedAttemptView, EdgeView } from '@bulkhead/contracts';
import { namespaceOf } from './layout';

export type ReviewFilter = 'all' | 'unreviewed' | 'confirmed' | 'rejected';

export interface MapFilters {
  namespace: string;
  search: string;
  crossTierOnly: boolean;
  review: ReviewFilter;
  /** Drawing only: kubelet probes come from the node itself (`reserved:host`) to nearly every pod. */
  showHealthChecks: boolean;
  /** Drawing only: every pod asks the cluster DNS; hundreds of lines into one node say nothing. */
  showDns: boolean;
  /** Drawing only: lines from sources that call nearly everything (a metrics scraper). */
  showFanOut: boolean;
  /** Drawing only: refused attempts, as dashed red lines of their own (drawn unless switched off). */
  showBlocked: boolean;
  /** A node picked in the drawing: only its edges. */
  focus: string | null;
}

/** What the drawing's switches look at: the ends and the port of an edge or of a blocked attempt. */
type Line = Pick<EdgeView, 'fromKey' | 'toKey' | 'port' | 'protocol'>;

export const isHealthCheck = (e: Line): boolean => e.fromKey === 'reserved:host';
export const isDns = (e: Line): boolean => e.port === 53 && (e.protocol === 'UDP' || e.protocol === 'TCP');

/** A source reaching this many endpoints or more is a scraper or a proxy: its lines bury the rest. */
export const FAN_OUT = 10;

/** Sources (keys) that reach FAN_OUT or more distinct endpoints, other than health checks and DNS. */
export function fanOutSources(edges: EdgeView[]): Set<string> {
  const targets = new Map<string, Set<string>>();
  for (const e of edges) {
    if (isHealthCheck(e) || isDns(e)) continue;
    const set = targets.get(e.fromKey) ?? new Set<string>();
    set.add(e.toKey);
    targets.set(e.fromKey, set);
  }
  return new Set([...targets].filter(([, t]) => t.size >= FAN_OUT).map(([k]) => k));
}

/** Whether the drawing shows an edge the table lists (the table always lists every edge). */
export const drawn = (e: Line, f: Pick<MapFilters, 'showHealthChecks' | 'showDns' | 'showFanOut'>, hubs: Set<string>): boolean =>
  (f.showHealthChecks || !isHealthCheck(e)) && (f.showDns || !isDns(e)) && (f.showFanOut || !hubs.has(e.fromKey));

export function touchesNamespace(e: Line, namespace: string): boolean {
  return namespaceOf(e.fromKey) === namespace || namespaceOf(e.toKey) === namespace;
}

/** Whether one of the texts contains the search, ignoring case (an empty search matches everything). */
function anyContains(texts: string[], search: string): boolean {
  const q = search.trim().toLowerCase();
  return !q || texts.some((s) => s.toLowerCase().includes(q));
}

export function matchesSearch(e: EdgeView, search: string): boolean {
  return anyContains([e.from, e.to, `${e.port}`, `${e.port}/${e.protocol}`, e.review, e.origin, e.reviewComment ?? ''], search);
}

export function filterEdges(edges: EdgeView[], f: MapFilters): EdgeView[] {
  return edges.filter(
    (e) =>
      (!f.namespace || touchesNamespace(e, f.namespace)) &&
      (!f.crossTierOnly || e.crossTier) &&
      (f.review === 'all' || e.review === f.review) &&
      (!f.focus || e.fromKey === f.focus || e.toKey === f.focus) &&
      matchesSearch(e, f.search),
  );
}

export function blockedMatchesSearch(b: BlockedAttemptView, search: string): boolean {
  return anyContains([b.from, b.to, `${b.port}`, `${b.port}/${b.protocol}`, ...b.reasons], search);
}

/**
 * The blocked attempts the drawing shows under the filters: namespace, search and focus apply; under a review or
 * cross-tier filter none does, since a refused attempt is no dependency, reviewed or not.
 */
export function filterBlocked(attempts: BlockedAttemptView[], f: MapFilters): BlockedAttemptView[] {
  if (f.crossTierOnly || f.review !== 'all') return [];
  return attempts.filter(
    (b) =>
      (!f.namespace || touchesNamespace(b, f.namespace)) &&
      (!f.focus || b.fromKey === f.focus || b.toKey === f.focus) &&
      blockedMatchesSearch(b, f.search),
  );
}
