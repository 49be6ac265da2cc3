import type { Tier } from '@bulkhead/contracts';
import type { Inventory } from '@bulkhead/netpol';
import type { TierOfNamespace } from './tiers';

export interface StoredNamespace extends TierOfNamespace {
  name: string;
  labels: Record<string, string>;
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
  setTierOverride(clusterId: string, namespace: string, tier: Tier | null): Promise<boolean>;
}

/** Which namespaces of a cluster are under a plan that a rollout applied and verified (and did not restore since). */
export interface ProtectionSource {
  verifiedNamespaces(clusterId: string): Promise<Set<string>>;
}
