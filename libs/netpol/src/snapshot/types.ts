import type { InventoryNode } from '../model/node';
import type { Labels, NetworkPolicy, Protocol } from '../model/types';

export interface InventoryPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface OwnerReference {
  kind: string;
  name: string;
  controller?: boolean;
}

export interface SnapshotNamespace {
  name: string;
  labels: Labels;
  /** True when no Namespace object was listed and a pod implied it. */
  implicit: boolean;
}

export interface SnapshotPod {
  namespace: string;
  name: string;
  labels: Labels;
  ownerReferences: OwnerReference[];
  ports: InventoryPort[];
  ips: string[];
  phase?: string;
  /** spec.hostNetwork: the pod uses its node's address. */
  hostNetwork?: boolean;
  /** spec.nodeName: the node the pod was scheduled to. */
  nodeName?: string;
}

/** A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob object, reduced to what inventory needs. */
export interface SnapshotWorkload {
  kind: string;
  namespace: string;
  name: string;
  ownerReferences: OwnerReference[];
  templateLabels: Labels;
  templatePorts: InventoryPort[];
}

export interface SnapshotService {
  namespace: string;
  name: string;
  selector: Labels;
  ports: { name?: string; port: number; targetPort?: number | string; protocol: Protocol }[];
}

/** What a `kubectl get ... -o json` dump says about the network, kinds the engine does not need left out. */
export interface Snapshot {
  namespaces: SnapshotNamespace[];
  pods: SnapshotPod[];
  policies: NetworkPolicy[];
  workloads: SnapshotWorkload[];
  services: SnapshotService[];
  /**
   * ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) objects as listed,
   * sorted by kind and name: validated as they are (validateClusterPolicy), then read onto one model by buildInventory.
   */
  clusterPolicies: SnapshotClusterPolicy[];
  /** Node objects as listed (v1), sorted by name; never `implicit` here. */
  nodes: InventoryNode[];
}

export interface SnapshotClusterPolicy {
  apiVersion: string;
  kind: 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  metadata: { name: string; [key: string]: unknown };
  spec?: unknown;
}
