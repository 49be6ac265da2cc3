/** The little of the Kubernetes object shapes the driver reads, as the API server sends them (JSON). */

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  [field: string]: unknown;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode?: number; reason?: string; message?: string };
}

export interface PodStatus {
  phase?: string;
  reason?: string;
  podIP?: string;
  conditions?: Array<{ type: string; status: string }>;
  containerStatuses?: Array<{ name?: string; state?: ContainerState }>;
}

export interface Pod extends KubeObject {
  status?: PodStatus;
}

export interface KubeList<T = KubeObject> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}
