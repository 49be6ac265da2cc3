import type { Tier } from '@bulkhead/contracts';
import type { Inventory } from '@bulkhead/netpol';
import type { TierOfNamespace } from './tiers';

export interface StoredNamespace extends TierOfNamespace {
  name: string;
  labels: Record<string, string>;
}

/** How much of the inventory a namespace holds (synthetic pods not counted). */
export interface NamespaceCounts {
  workloads: number;
  pods: number;
  policies: number;
}

export interface InventoryStore {
  /**
   * Replaces the cluster's namespaces, workloads, pods and policies in one transaction, keeping the
   * tier a person chose for namespaces that are still there, and keeping prod namespaces in prod
   * (overrideAfterImport). Answers the namespaces pinned to prod against their new labels.
   */
  replace(clusterId: string, inventory: Inventory, labelTiers: Map<string, Tier | null>, at: Date): Promise<{ keptInProd: string[] }>;
  /** The stored inventory, in the engine's shape (synthetic pods included). */
  load(clusterId: string): Promise<Inventory>;
  namespaces(clusterId: string): Promise<StoredNamespace[]>;
  /** Per namespace that holds anything; counted by the database, so that a list does not load the whole inventory. */
  namespaceCounts(clusterId: string): Promise<Map<string, NamespaceCounts>>;
  /** The workloads as `load` has them, of one namespace or all, without loading pods and policies. */
  workloads(clusterId: string, namespace?: string): Promise<Inventory['workloads']>;
  setTierOverride(clusterId: string, namespace: string, tier: Tier | null): Promise<boolean>;
}

/** Which namespaces of a cluster are under a plan that a rollout applied and verified (and did not restore since). */
export interface ProtectionSource {
  verifiedNamespaces(clusterId: string): Promise<Set<string>>;
}
