import type { ClusterDelivery, Cni } from '@bulkhead/contracts';

export interface ClusterRecord {
  id: string;
  name: string;
  cni: Cni;
  description: string | null;
  driver: 'simulated' | 'kubernetes';
  hasCredentials: boolean;
  /** How rollouts deliver changes to the cluster (git: without its credentials). */
  delivery: ClusterDelivery;
  /** Whether credentials for the delivery's repository are stored (sealed). */
  hasDeliveryCredentials: boolean;
  inventoryImportedAt: Date | null;
  createdAt: Date;
}

export interface ClusterCounts {
  namespaces: number;
  workloads: number;
  pods: number;
  policies: number;
  edges: number;
}

export interface ClusterStore {
  /** Fails with InventoryError `cluster.name_taken` when the name is in use. */
  create(input: {
    name: string;
    cni: Cni;
    description?: string;
    driver: 'simulated' | 'kubernetes';
    sealedCredentials?: Uint8Array;
    delivery?: ClusterDelivery;
    sealedDeliveryCredentials?: Uint8Array;
  }): Promise<ClusterRecord>;
  get(id: string): Promise<ClusterRecord | null>;
  findByName(name: string): Promise<ClusterRecord | null>;
  list(): Promise<ClusterRecord[]>;
  /**
   * A new `delivery` comes with its sealed credentials (null: none; absent: the stored ones stay). It
   * fails with InventoryError `cluster.rollout_active` while a rollout acts on the cluster: a rollout
   * delivers all its steps one way, so that a restore finds what its apply did.
   */
  update(
    id: string,
    patch: {
      cni?: Cni;
      description?: string;
      sealedCredentials?: Uint8Array;
      delivery?: ClusterDelivery;
      sealedDeliveryCredentials?: Uint8Array | null;
    },
  ): Promise<ClusterRecord | null>;
  /** The sealed kubeconfig, for the worker that connects to the cluster; null when none is stored. */
  sealedCredentials(id: string): Promise<Uint8Array | null>;
  /** The sealed credentials of the delivery's repository, for the worker that pushes; null when none are stored. */
  sealedDeliveryCredentials(id: string): Promise<Uint8Array | null>;
  /** False when there is no such cluster; fails with InventoryError `cluster.rollout_active` while a rollout acts on it. */
  delete(id: string): Promise<boolean>;
  counts(ids: string[]): Promise<Map<string, ClusterCounts>>;
  /** Records that a sync was asked for (now, by the database's clock); it stays asked for until `syncDone`. */
  requestSync(id: string): Promise<void>;
  /** When the pending sync was asked for, as recorded (null when none is): read before syncing, handed to `syncDone`. */
  syncRequestedAt(id: string): Promise<Date | null>;
  /**
   * The sync asked for at `requested` (as read by `syncRequestedAt`, so that one clock decides) is done:
   * a request made later stays. Without it, any pending request is dropped (the job gave up).
   */
  syncDone(id: string, requested?: Date): Promise<void>;
  /** The clusters with a sync asked for and not done yet. */
  syncsRequested(): Promise<string[]>;
  /**
   * A token that changes whenever anything the cluster's pages show changes (its row, inventory,
   * dependency map, plans, tier floors; with `rollouts`, its rollouts' progress too), and takes no
   * value twice; null when there is no such cluster. For keeping answers by what they were made from.
   */
  dataVersion(id: string, scope: ClusterDataScope): Promise<string | null>;
  /** The same for the list of clusters: changes whenever a cluster is added, removed or changed. */
  listVersion(): Promise<string>;
}

/** What an answer about a cluster is made from: its own data, or that and where its rollouts stand. */
export type ClusterDataScope = 'cluster' | 'cluster-and-rollouts';

/** Encrypts secrets before they are stored (see SecretBox). */
export interface SecretSealer {
  seal(plaintext: string): Uint8Array;
}

/** Resolves a host name to all of its addresses (as the operating system would to connect). */
export interface HostResolver {
  resolve(host: string): Promise<string[]>;
}
