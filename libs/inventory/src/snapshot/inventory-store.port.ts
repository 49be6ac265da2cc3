import type { Tier } from '@bulkhead/contracts';
import type { Inventory, NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { TierOfNamespace } from './tiers';

export interface StoredNamespace extends TierOfNamespace {
  name: string;
  labels: Record<string, string>;
  /** The highest tier under approval it has been in (see tiers.ts); kept when the namespace leaves the inventory. */
  floor: Tier | null;
}

/** A namespace an import kept at its floor although its labels now name a lower tier. */
export interface KeptAtFloor {
  namespace: string;
  tier: Tier;
}

/** How much of the inventory a namespace holds (synthetic pods not counted). */
export interface NamespaceCounts {
  workloads: number;
  pods: number;
  policies: number;
}

export interface InventoryStore {
  /**
   * Replaces the cluster's namespaces, workloads, pods, policies and cluster-scoped policies (`clusterPolicies`, as
   * listed: the inventory's own are read from them) in one transaction, keeping the
   * tier a person chose for namespaces that are still there, keeping every namespace at its floor
   * (overrideAfterImport) and raising floors (floorAfter, with the tiers under approval). Answers the
   * namespaces kept at their floor against their new labels, and those left with no tier at all (neither
   * their labels nor a person's choice or floor gives them one).
   */
  replace(
    clusterId: string,
    inventory: Inventory,
    clusterPolicies: readonly SnapshotClusterPolicy[],
    labelTiers: Map<string, Tier | null>,
    approvalTiers: readonly Tier[],
    at: Date,
  ): Promise<{ keptAtFloor: KeptAtFloor[]; withoutTier: string[] }>;
  /** The stored inventory, in the engine's shape (synthetic pods included, cluster-scoped policies read onto ClusterNetworkPolicy). */
  load(clusterId: string): Promise<Inventory>;
  /** The cluster-scoped policies exactly as listed (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy), by kind and name. */
  clusterPolicies(clusterId: string): Promise<SnapshotClusterPolicy[]>;
  namespaces(clusterId: string): Promise<StoredNamespace[]>;
  /** One namespace's tier now (a person's choice, else its labels'); null when it has none or is not there. */
  tierOf(clusterId: string, namespace: string): Promise<Tier | null>;
  /** Per namespace that holds anything; counted by the database, so that a list does not load the whole inventory. */
  namespaceCounts(clusterId: string): Promise<Map<string, NamespaceCounts>>;
  /** The workloads as `load` has them, of one namespace or all, without loading pods and policies. */
  workloads(clusterId: string, namespace?: string): Promise<Inventory['workloads']>;
  /** Makes one namespace's policies exactly `policies`, as the cluster reported them after a rollout changed them. */
  replaceNamespacePolicies(clusterId: string, namespace: string, policies: readonly NetworkPolicy[]): Promise<void>;
  /** Makes the cluster-scoped policies exactly `policies`, as the cluster reported them after a rollout changed them. */
  replaceClusterPolicies(clusterId: string, policies: readonly SnapshotClusterPolicy[]): Promise<void>;
  /** Sets the tier a person chose (null: back to the labels) and the namespace's floor, together. */
  setTier(clusterId: string, namespace: string, override: Tier | null, floor: Tier | null): Promise<boolean>;
}

/** Which namespaces of a cluster are under a plan that a rollout applied and verified (and did not restore since). */
export interface ProtectionSource {
  verifiedNamespaces(clusterId: string): Promise<Set<string>>;
}
