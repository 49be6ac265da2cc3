import type { Tier } from '@bulkhead/contracts';
import type { Inventory } from '@bulkhead/netpol';

export interface StoredNamespace {
  name: string;
  labels: Record<string, string>;
  labelTier: Tier | null;
  tierOverride: Tier | null;
}

export interface InventoryStore {
  /**
   * Replaces the cluster's namespaces, workloads, pods and policies in one transaction, keeping the
   * tier a person chose for namespaces that are still there.
   */
  replace(clusterId: string, inventory: Inventory, labelTiers: Map<string, Tier | null>, at: Date): Promise<void>;
  /** The stored inventory, in the engine's shape (synthetic pods included). */
  load(clusterId: string): Promise<Inventory>;
  namespaces(clusterId: string): Promise<StoredNamespace[]>;
  setTierOverride(clusterId: string, namespace: string, tier: Tier | null): Promise<boolean>;
}

/** Which namespaces of a cluster are under a plan that a rollout applied and verified (and did not restore since). */
export interface ProtectionSource {
  verifiedNamespaces(clusterId: string): Promise<Set<string>>;
}
