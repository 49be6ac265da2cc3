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

/** The address types of `Node.status.addresses` that traffic can carry (`Hostname` is a name, not an address). */
export type NodeAddressType = 'InternalIP' | 'ExternalIP';

export interface NodeAddress {
  type: NodeAddressType;
  address: string;
}

/** A Node (v1): its name, labels and IP addresses. Node addresses are not cluster-external. */
export interface SnapshotNode {
  name: string;
  labels: Labels;
  addresses: NodeAddress[];
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
  nodes: SnapshotNode[];
}
