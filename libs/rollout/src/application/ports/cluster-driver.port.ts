import type { Cni } from '@bulkhead/contracts';
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';

/**
 * What Bulkhead needs from a cluster, and all it may do to one. Two drivers implement it: the
 * simulated one (embedded, enforces through the engine) and the Kubernetes one. Every call is
 * idempotent, so a crashed step can simply call it again.
 */
export interface ClusterDriver {
  /** Namespaces, pods, workload objects and NetworkPolicies, as `kubectl get ... -A -o json` would list them, and the CNI. */
  discover(): Promise<Discovery>;
  /** The NetworkPolicies of one namespace, exactly as the cluster holds them (server-managed metadata stripped). */
  readPolicies(namespace: string): Promise<NetworkPolicy[]>;
  /**
   * Creates or updates these policies (server-side apply under Bulkhead's field manager). Others are left
   * alone, unless `prune`: then the namespace's other policies are deleted, and it holds these alone.
   * A driver that delivers through git answers with the commit, once the cluster shows it.
   */
  applyPolicies(
    namespace: string,
    policies: NetworkPolicy[],
    options?: { prune?: boolean; change?: ChangeOrigin },
  ): Promise<Delivered | void>;
  /** Deletes these policies; a name that does not exist is not an error. */
  deletePolicies(namespace: string, names: string[]): Promise<void>;
  /**
   * Puts a namespace back exactly as the snapshot says: every policy of the snapshot with exactly its
   * spec, labels and annotations (replaced, not merged), and no other policy.
   */
  restorePolicies(namespace: string, snapshot: NetworkPolicy[], options?: { change?: ChangeOrigin }): Promise<Delivered | void>;
  /**
   * The cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy) exactly as the
   * cluster holds them (server-managed metadata and status stripped), by kind and name; none of a kind it does not serve.
   */
  readClusterPolicies(): Promise<SnapshotClusterPolicy[]>;
  /** Creates or updates these cluster-scoped policies; others are left alone. A kind the cluster does not serve is refused. */
  applyClusterPolicies(policies: SnapshotClusterPolicy[]): Promise<void>;
  /** Deletes these cluster-scoped policies; one that does not exist is not an error. */
  deleteClusterPolicies(policies: ClusterPolicyRef[]): Promise<void>;
  /**
   * Puts the cluster-scoped policies back exactly as the snapshot says: every policy of the snapshot with exactly its
   * spec, labels and annotations (replaced, not merged), and no other policy of the kinds the cluster serves.
   */
  restoreClusterPolicies(snapshot: SnapshotClusterPolicy[]): Promise<void>;
  /**
   * Sends connection attempts, each from its source's network identity, and answers their results in the
   * same order. A step's probes go as one batch, so a driver can share the work of a batch (one read of
   * the cluster, probe pods started side by side). Never throws for a refused or timed-out connection.
   */
  probe(probes: readonly ConnectivityProbe[]): Promise<ConnectivityResult[]>;
  /** Removes what probes left behind (a probe pod whose delete failed, or whose worker died) older than this; answers what it removed. */
  cleanupProbePods(olderThanMs: number): Promise<string[]>;
}

/** Which rollout step a change is made for: what a driver that records its changes (a commit) names them by. */
export interface ChangeOrigin {
  rolloutId: string;
  stepId: string;
}

/** A change delivered as a commit that the cluster was seen to apply. */
export interface Delivered {
  commit: string;
  branch: string;
}

export interface Discovery {
  cni: Cni;
  /** A v1 List of Namespace, Pod, NetworkPolicy, cluster-scoped policy and workload objects (the snapshot format). */
  snapshot: { apiVersion: 'v1'; kind: 'List'; items: unknown[] };
  /** The cluster-scoped policy kinds the cluster serves (their CRDs are installed), whether or not its CNI enforces them. */
  clusterPolicyKinds: ClusterPolicyKind[];
}

export type ClusterPolicyKind = SnapshotClusterPolicy['kind'];

/** Names one cluster-scoped policy. */
export interface ClusterPolicyRef {
  kind: ClusterPolicyKind;
  name: string;
}

export type ConnectivityTarget =
  | { kind: 'workload'; namespace: string; name: string }
  | { kind: 'ip'; ip: string }
  /** Name resolution through the cluster DNS (must-resolve probes). */
  | { kind: 'dns'; name: string };

export interface ConnectivityProbe {
  /** Stable id, also used to name what the probe leaves behind (a probe pod), so a re-run finds and reuses it. */
  id: string;
  /** Which try of the same probe this is: 1 for the first; a retry has the next number (and an id of its own). */
  attempt: number;
  from: { namespace: string; workload: string };
  to: ConnectivityTarget;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  timeoutMs: number;
}

export interface ConnectivityResult {
  /** The connection was established (or the name resolved). */
  connected: boolean;
  /** Why, in words: "connected", "timed out after 2000 ms", "refused", "no pod of orders/api", ... */
  detail: string;
  /** The probe could not be run at all (no source pod, API error): neither a pass nor a block. */
  error?: boolean;
  /** A call the driver saw blocked behind the failure (the target's own call to what it depends on): the dependency to declare. */
  blockedCall?: { from: string; to: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' };
}
