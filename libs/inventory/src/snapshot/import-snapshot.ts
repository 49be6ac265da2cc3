import {
  controlCharacterProblems,
  doesNotExist,
  fieldPath,
  joinPath,
  type NamespaceView,
  type SnapshotImportResult,
  type Tier,
  type UpdateNamespaceBody,
  type WorkloadView,
} from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
import {
  assertValidClusterPolicies,
  assertValidPolicies,
  buildInventory,
  type Inventory,
  type NetworkPolicy,
  parseDocuments,
  PolicyValidationError,
  SnapshotError,
  type SnapshotClusterPolicy,
  type SnapshotLocation,
  snapshotFromDocuments,
} from '@bulkhead/netpol';
import type { ClusterStore } from '../clusters/cluster-store.port';
import { requireCluster } from '../clusters/clusters';
import { InventoryError } from '../errors';
import type { JobQueue } from '../flow-import/flow-import.ports';
import { tierFromLabels } from '@bulkhead/plan';
import type { InventoryStore, ProtectionSource } from './inventory-store.port';
import { effectiveTier, floorAfter, lowersBelowFloor } from './tiers';

/** For clusters of the simulated driver, the imported snapshot becomes the simulated cluster's reality. */
export interface ClusterSimulator {
  reset(clusterId: string, snapshotItems: unknown[]): Promise<void>;
}

/** A snapshot as text, or as the UTF-8 bytes of a request body. */
export type SnapshotText = string | Uint8Array;

/** A snapshot's text, read: the inventory it implies, its cluster-scoped policies as listed, and every object it lists. */
export interface SnapshotRead {
  inventory: Inventory;
  clusterPolicies: SnapshotClusterPolicy[];
  items: unknown[];
}

export interface InventoryDeps {
  clusters: ClusterStore;
  inventory: InventoryStore;
  simulator: ClusterSimulator;
  protection: ProtectionSource;
  /** The tiers under approval (server policy): a namespace goes down from one only by an approver's hand. */
  approvalTiers: readonly Tier[];
  /** Queues the attribution of the flows kept unattributed, once the inventory changed. */
  queue: JobQueue;
  /** Reads snapshot text (the API does it on a worker thread, with time and memory limits); readSnapshot in-process when absent. */
  snapshotReader?: (snapshot: SnapshotText) => Promise<SnapshotRead>;
}

/** What an import did: the wire type of PUT /clusters/{id}/snapshot. */
export type { SnapshotImportResult };

/**
 * Replaces a cluster's inventory with what a `kubectl get namespaces,pods,networkpolicies -A -o json`
 * snapshot says. All or nothing: an unreadable snapshot or a policy the API server would refuse
 * changes nothing and is reported field by field. The flows imports kept unattributed are then
 * attributed again, by a job.
 */
export async function importSnapshot(
  deps: InventoryDeps,
  clusterId: string,
  snapshot: SnapshotText,
  now: Date,
): Promise<SnapshotImportResult> {
  const cluster = await requireCluster(deps.clusters, clusterId);
  const { inventory, clusterPolicies, items } = deps.snapshotReader ? await deps.snapshotReader(snapshot) : readSnapshot(snapshot);
  const tiers = new Map(inventory.namespaces.map((ns) => [ns.name, tierFromLabels(ns.labels)]));
  const { keptAtFloor, withoutTier } = await deps.inventory.replace(clusterId, inventory, clusterPolicies, tiers, deps.approvalTiers, now);
  if (cluster.driver === 'simulated') await deps.simulator.reset(clusterId, items);
  await deps.queue.enqueue('flow-import.reattribute', { v: 1, clusterId });
  return {
    namespaces: inventory.namespaces.length,
    workloads: inventory.workloads.length,
    pods: inventory.pods.filter((p) => !p.synthetic).length,
    policies: inventory.policies.length,
    clusterPolicies: clusterPolicies.length,
    nodes: inventory.nodes?.length ?? 0,
    namespacesWithoutTier: withoutTier,
    keptAtFloor,
  };
}

/**
 * Snapshot text into an inventory, all pure work: an unreadable snapshot, one past the document
 * limits, or a policy the API server would refuse is reported field by field.
 */
export function readSnapshot(text: SnapshotText, limits?: DocumentLimits): SnapshotRead {
  let documents: unknown[] | undefined;
  try {
    const parsed = parseDocuments(typeof text === 'string' ? text : new TextDecoder().decode(text), limits);
    documents = parsed;
    const problems = parsed.flatMap((document, i) => controlCharacterProblems(document, documentRoot(i, parsed.length)));
    if (problems.length > 0) throw new InventoryError('snapshot.control_characters', problems);
    const snapshot = snapshotFromDocuments(parsed);
    assertValidPolicies(snapshot.policies);
    assertValidClusterPolicies(snapshot.clusterPolicies);
    return { inventory: buildInventory(snapshot), clusterPolicies: snapshot.clusterPolicies, items: listItems(parsed) };
  } catch (error) {
    if (error instanceof PolicyValidationError) {
      throw new InventoryError(
        'snapshot.invalid_policy',
        error.issues.map((i) => ({ field: `${i.policy}: ${i.field}`, reason: i.message })),
      );
    }
    if (error instanceof SnapshotError)
      throw new InventoryError('snapshot.unreadable', [{ field: snapshotField(error.location, documents), reason: error.message }]);
    throw error;
  }
}

/** How a problem names a snapshot document: the snapshot itself ('') when there is one, `documents[1]` among several. */
const documentRoot = (index: number, count: number) => (count === 1 ? '' : fieldPath('documents', [index]));

function snapshotField(location: SnapshotLocation | undefined, documents: unknown[] | undefined): string {
  if (!location || !documents) return '';
  return joinPath(documentRoot(location.document, documents.length), location.field);
}

/** Every object of the documents, with Lists unpacked. */
function listItems(documents: unknown[]): unknown[] {
  return documents.flatMap((d) => {
    if (Array.isArray(d)) return d;
    const list = d as { kind?: string; items?: unknown[] };
    return Array.isArray(list.items) && (list.kind === undefined || list.kind.endsWith('List')) ? list.items : [d];
  });
}

export async function listNamespaces(deps: InventoryDeps, clusterId: string): Promise<NamespaceView[]> {
  await requireCluster(deps.clusters, clusterId);
  const [namespaces, counts, verified] = await Promise.all([
    deps.inventory.namespaces(clusterId),
    deps.inventory.namespaceCounts(clusterId),
    deps.protection.verifiedNamespaces(clusterId),
  ]);
  return namespaces.map((ns) => {
    const held = counts.get(ns.name) ?? { workloads: 0, pods: 0, policies: 0 };
    return {
      name: ns.name,
      labels: ns.labels,
      tier: effectiveTier(ns),
      tierSource: ns.tierOverride ? 'manual' : ns.labelTier ? 'label' : 'none',
      protection: verified.has(ns.name) ? 'verified' : held.policies ? 'partial' : 'unprotected',
      counts: held,
    };
  });
}

/**
 * Sets (or clears) the tier a person chose. Taking a namespace below a tier under approval it is in, or
 * has been in, needs someone who may approve: rollouts ask for approval by tier, and this is the way
 * around it otherwise. An approver's choice also sets the floor; anyone else's only raises it.
 */
export async function setNamespaceTier(
  deps: InventoryDeps,
  clusterId: string,
  namespace: string,
  body: UpdateNamespaceBody,
  caller: { mayApprove: boolean },
): Promise<NamespaceView> {
  await requireCluster(deps.clusters, clusterId);
  const current = (await deps.inventory.namespaces(clusterId)).find((ns) => ns.name === namespace);
  if (!current) throw new InventoryError('namespace.not_found', doesNotExist('namespace', namespace));
  if (lowersBelowFloor(current, body.tier, current.floor, deps.approvalTiers) && !caller.mayApprove) {
    const floor = floorAfter(effectiveTier(current), current.floor, deps.approvalTiers);
    throw new InventoryError(
      'inventory.tier_below_floor',
      `taking ${namespace} below ${floor} needs the approver role: its rollouts would no longer wait for the ${floor} approval`,
    );
  }
  const next = body.tier ?? current.labelTier;
  const floor = floorAfter(next, caller.mayApprove ? null : current.floor, deps.approvalTiers);
  if (!(await deps.inventory.setTier(clusterId, namespace, body.tier, floor)))
    throw new InventoryError('namespace.not_found', doesNotExist('namespace', namespace));
  const view = (await listNamespaces(deps, clusterId)).find((ns) => ns.name === namespace);
  if (!view) throw new InventoryError('namespace.not_found', doesNotExist('namespace', namespace));
  return view;
}

export async function listWorkloads(deps: InventoryDeps, clusterId: string, namespace?: string): Promise<WorkloadView[]> {
  await requireCluster(deps.clusters, clusterId);
  return (await deps.inventory.workloads(clusterId, namespace || undefined)).map((w) => ({
    namespace: w.namespace,
    name: w.name,
    kind: w.kind,
    labels: w.labels,
    ports: w.ports,
    podCount: w.podCount,
  }));
}

/** The cluster-scoped policies of the cluster's inventory, as listed. */
export async function listClusterPolicies(deps: InventoryDeps, clusterId: string): Promise<SnapshotClusterPolicy[]> {
  await requireCluster(deps.clusters, clusterId);
  return deps.inventory.clusterPolicies(clusterId);
}

export async function listPolicies(deps: InventoryDeps, clusterId: string, namespace?: string): Promise<NetworkPolicy[]> {
  await requireCluster(deps.clusters, clusterId);
  const inventory = await deps.inventory.load(clusterId);
  return inventory.policies.filter((p) => !namespace || p.metadata.namespace === namespace);
}
