// Edges in: keys parsed, duplicates merged, times compared as text (RFC 3339 in UTC sorts as time).
import { parseEndpointKey, type EdgeEndpoint } from '@bulkhead/flows';
import type { EdgeEvidence, PlanEdge, ReviewState } from './types';

export function edgeKey(edge: Pick<PlanEdge, 'src' | 'dst' | 'protocol' | 'port'>): string {
  return `${edge.src}|${edge.dst}|${edge.protocol}|${edge.port ?? ''}`;
}

/** a <= b as times; same-shape UTC stamps (the flows library's) compare as text, others are parsed. */
function notAfter(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a <= b;
  return Date.parse(a) <= Date.parse(b);
}

export function minTime(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return notAfter(a, b) ? a : b;
}

export function maxTime(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b ?? null;
  if (!b) return a;
  return notAfter(b, a) ? a : b;
}

export function hoursBetween(first: string | null, last: string | null): number {
  if (!first || !last) return 0;
  const ms = Date.parse(last) - Date.parse(first);
  return Number.isFinite(ms) && ms > 0 ? Math.round((ms / 3_600_000) * 100) / 100 : 0;
}

const REVIEW_RANK: Record<ReviewState, number> = { unreviewed: 0, confirmed: 1, rejected: 2 };

/** One edge per key, sorted by key: connections summed, the widest time span, the strictest review. */
export function normalizeEdges(edges: readonly PlanEdge[]): { key: string; edge: PlanEdge }[] {
  const byKey = new Map<string, PlanEdge>();
  for (const e of edges) {
    const protocol = typeof e.protocol === 'string' ? e.protocol.toUpperCase() : 'TCP';
    const edge: PlanEdge = {
      src: e.src,
      dst: e.dst,
      port: e.port,
      protocol,
      connections: e.connections ?? 0,
      firstSeen: e.firstSeen ?? null,
      lastSeen: e.lastSeen ?? null,
      review: e.review ?? 'unreviewed',
    };
    const key = `${edge.src}|${edge.dst}|${protocol}|${edge.port ?? ''}`;
    const prior = byKey.get(key);
    if (!prior) {
      byKey.set(key, edge);
      continue;
    }
    prior.connections += edge.connections;
    prior.firstSeen = minTime(prior.firstSeen, edge.firstSeen);
    prior.lastSeen = maxTime(prior.lastSeen, edge.lastSeen);
    if (REVIEW_RANK[edge.review!] > REVIEW_RANK[prior.review!]) prior.review = edge.review;
  }
  const keys = [...byKey.keys()].sort();
  return keys.map((key) => ({ key, edge: byKey.get(key)! }));
}

const endpointCache = new Map<string, EdgeEndpoint | null>();

/** `parseEndpointKey`, memoized (a cluster has a few thousand distinct ends for millions of edges). */
export function parseKey(key: string): EdgeEndpoint | undefined {
  let parsed = endpointCache.get(key);
  if (parsed === undefined) {
    parsed = parseEndpointKey(key) ?? null;
    if (endpointCache.size > 200_000) endpointCache.clear();
    endpointCache.set(key, parsed);
  }
  return parsed ?? undefined;
}

export function evidenceOf(key: string, edge: PlanEdge): EdgeEvidence {
  return { key, connections: edge.connections, firstSeen: edge.firstSeen ?? null, lastSeen: edge.lastSeen ?? null };
}
