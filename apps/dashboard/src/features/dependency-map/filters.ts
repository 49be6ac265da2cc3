import type { EdgeView } from '@bulkhead/contracts';
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
  /** A node picked in the drawing: only its edges. */
  focus: string | null;
}

export const isHealthCheck = (e: EdgeView): boolean => e.fromKey === 'reserved:host';
export const isDns = (e: EdgeView): boolean => e.port === 53 && (e.protocol === 'UDP' || e.protocol === 'TCP');

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
export const drawn = (e: EdgeView, f: Pick<MapFilters, 'showHealthChecks' | 'showDns' | 'showFanOut'>, hubs: Set<string>): boolean =>
  (f.showHealthChecks || !isHealthCheck(e)) && (f.showDns || !isDns(e)) && (f.showFanOut || !hubs.has(e.fromKey));

export function touchesNamespace(e: EdgeView, namespace: string): boolean {
  return namespaceOf(e.fromKey) === namespace || namespaceOf(e.toKey) === namespace;
}

export function matchesSearch(e: EdgeView, search: string): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return [e.from, e.to, `${e.port}`, `${e.port}/${e.protocol}`.toLowerCase(), e.review, e.origin, e.reviewComment ?? ''].some((s) =>
    s.toLowerCase().includes(q),
  );
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
