import {
  type BlockedAttemptView,
  type CreateEdgeBody,
  doesNotExist,
  type EdgeView,
  type KeysetPage,
  type PageRequest,
  type Tier,
} from '@bulkhead/contracts';
import { Attributor, InventoryIndex, parseEdgeListEndpoint, parseEndpointKey } from '@bulkhead/flows';
import type { ClusterStore } from '../clusters/cluster-store.port';
import { requireCluster } from '../clusters/clusters';
import { InventoryError } from '../errors';
import type { InventoryStore } from '../snapshot/inventory-store.port';
import { effectiveTier } from '../snapshot/tiers';
import type { EdgeFilter, EdgePosition, EdgeRecord, EdgeReview, EdgeStore } from './edge-store.port';

export interface EdgeDeps {
  clusters: ClusterStore;
  inventory: InventoryStore;
  edges: EdgeStore;
}

/** How a person reads an endpoint key: `ns/name` for workloads, the address or name for the outside. */
export function displayEndpoint(key: string): string {
  const ep = parseEndpointKey(key);
  if (!ep) return key;
  if (ep.kind === 'workload') return `${ep.namespace}/${ep.name}`;
  if (ep.kind === 'external') return ep.name;
  if (ep.kind === 'node') return `node ${ep.name}`;
  return key;
}

const namespaceOf = (key: string): string | null => {
  const ep = parseEndpointKey(key);
  return ep?.kind === 'workload' ? ep.namespace : null;
};

async function tiersOf(deps: EdgeDeps, clusterId: string): Promise<Map<string, Tier | null>> {
  return new Map((await deps.inventory.namespaces(clusterId)).map((ns) => [ns.name, effectiveTier(ns)]));
}

function toView(e: EdgeRecord, tiers: Map<string, Tier | null>): EdgeView {
  const a = namespaceOf(e.srcKey);
  const b = namespaceOf(e.dstKey);
  const ta = a ? tiers.get(a) : null;
  const tb = b ? tiers.get(b) : null;
  return {
    id: e.id,
    from: displayEndpoint(e.srcKey),
    to: displayEndpoint(e.dstKey),
    fromKey: e.srcKey,
    toKey: e.dstKey,
    port: e.port,
    protocol: e.protocol,
    origin: e.origin,
    review: e.review,
    crossTier: !!ta && !!tb && ta !== tb,
    connections: e.connections,
    firstSeen: e.firstSeen?.toISOString() ?? null,
    lastSeen: e.lastSeen?.toISOString() ?? null,
    verdicts: e.verdicts,
    addresses: e.addresses,
    sources: e.sources.map((s) => ({ ...s, firstSeen: s.firstSeen?.toISOString() ?? null, lastSeen: s.lastSeen?.toISOString() ?? null })),
    createdBy: e.createdBy,
    reviewedBy: e.reviewedBy,
    reviewComment: e.reviewComment,
  };
}

/** A page of the cluster's edges that pass the filter, in key order. */
export async function listEdges(
  deps: EdgeDeps,
  clusterId: string,
  filter: EdgeFilter,
  page: PageRequest<EdgePosition>,
): Promise<KeysetPage<EdgeView, EdgePosition>> {
  await requireCluster(deps.clusters, clusterId);
  const [edges, tiers] = await Promise.all([deps.edges.page(clusterId, filter, page), tiersOf(deps, clusterId)]);
  return { items: edges.items.map((e) => toView(e, tiers)), next: edges.next };
}

/** A page of the refused attempts of the cluster: what the map shows apart, for a person to declare if it is wanted. */
export async function listBlockedAttempts(
  deps: EdgeDeps,
  clusterId: string,
  filter: Pick<EdgeFilter, 'namespace'>,
  page: PageRequest<EdgePosition>,
): Promise<KeysetPage<BlockedAttemptView, EdgePosition>> {
  await requireCluster(deps.clusters, clusterId);
  const blocked = await deps.edges.blocked(clusterId, filter, page);
  const items = blocked.items.map((b): BlockedAttemptView => ({
    id: b.id,
    kind: 'blocked',
    from: displayEndpoint(b.srcKey),
    to: displayEndpoint(b.dstKey),
    fromKey: b.srcKey,
    toKey: b.dstKey,
    port: b.port,
    protocol: b.protocol,
    attempts: b.attempts,
    firstSeen: b.firstSeen?.toISOString() ?? null,
    lastSeen: b.lastSeen?.toISOString() ?? null,
    reasons: b.reasons,
    lastSource: b.lastSource,
  }));
  return { items, next: blocked.next };
}

/**
 * A person declares a dependency the flows did not show (or vouches for one they did). Both ends are
 * resolved exactly as imported flows are, so a declared edge and an observed one meet on one key; a node
 * is named by its key (`node:<name>`), as a blocked attempt to or from it names it.
 */
export async function declareEdge(
  deps: EdgeDeps,
  clusterId: string,
  body: CreateEdgeBody,
  by: string,
  now: Date,
): Promise<{ view: EdgeView; created: boolean }> {
  await requireCluster(deps.clusters, clusterId);
  const inventory = await deps.inventory.load(clusterId);
  const attributor = new Attributor(InventoryIndex.from(inventory));
  const resolve = (field: 'from' | 'to') => {
    const node = parseEndpointKey(body[field]);
    if (node?.kind === 'node') {
      if (attributor.index.hasNode(node.name)) return node.key;
      throw new InventoryError('edge.unknown_endpoint', [
        { field, reason: `"${body[field]}" is not in the cluster's inventory (no such node)` },
      ]);
    }
    const parsed = parseEdgeListEndpoint(body[field]);
    if (!parsed)
      throw new InventoryError('edge.invalid_endpoint', [
        { field, reason: 'must be namespace/workload, an IP address, a CIDR, a DNS name, reserved:<identity> or node:<name>' },
      ]);
    const attribution = attributor.attribute(parsed);
    if (!attribution.ok)
      throw new InventoryError('edge.unknown_endpoint', [
        { field, reason: `"${body[field]}" is not in the cluster's inventory (${attribution.reason})` },
      ]);
    return attribution.endpoint.key;
  };
  const srcKey = resolve('from');
  const dstKey = resolve('to');
  const { edge, created } = await deps.edges.declare(
    clusterId,
    { srcKey, dstKey, port: body.port, protocol: body.protocol },
    by,
    body.comment ?? null,
    now,
  );
  return { view: toView(edge, await tiersOf(deps, clusterId)), created };
}

export async function reviewEdge(
  deps: EdgeDeps,
  clusterId: string,
  edgeId: string,
  review: Exclude<EdgeReview, 'unreviewed'>,
  by: string,
  comment: string | null,
  now: Date,
): Promise<EdgeView> {
  const current = await deps.edges.get(edgeId);
  if (!current || current.clusterId !== clusterId) throw new InventoryError('edge.not_found', doesNotExist('edge', edgeId));
  const updated = await deps.edges.review(edgeId, review, by, comment, now);
  if (!updated) throw new InventoryError('edge.not_found', doesNotExist('edge', edgeId));
  return toView(updated, await tiersOf(deps, clusterId));
}
