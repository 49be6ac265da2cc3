// The topology made concrete: uids, ReplicaSet hashes, pod names, nodes, IPs, Cilium identities.
// Both renderings (the kubectl snapshot and the Hubble flows) read this one model, so they agree.

import { KUBE_NAME_ALPHABET, Random } from './random';
import { CLUSTER_NAME, DAY_MS, NODES, type NamespaceSpec, type NodeSpec, type Topology, type WorkloadSpec, WINDOW_MS } from './topology';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface NamespaceModel {
  spec: NamespaceSpec;
  uid: string;
  createdMs: number;
  /** Labels as the API server holds them, `kubernetes.io/metadata.name` included. */
  labels: Record<string, string>;
}

/** The ReplicaSet of a Deployment, or the Job of a CronJob. */
export interface RevisionModel {
  ref: ObjectRef;
  createdMs: number;
  labels: Record<string, string>;
}

export interface PodModel {
  namespace: string;
  name: string;
  uid: string;
  node: NodeSpec;
  ip: string;
  labels: Record<string, string>;
  owner: ObjectRef;
  workload: WorkloadModel;
  createdMs: number;
  phase: 'Running' | 'Succeeded';
  finishedMs?: number;
  /** Cilium's view of the pod: endpoint id on its node, security identity, identity labels, veth. */
  endpointId: number;
  identity: number;
  ciliumLabels: string[];
  ifindex: number;
  lxc: string;
}

export interface WorkloadModel {
  spec: WorkloadSpec;
  ref: ObjectRef;
  createdMs: number;
  /** pod-template-hash (Deployment) or controller-revision-hash (StatefulSet, DaemonSet). */
  templateHash: string;
  revision?: RevisionModel;
  pods: PodModel[];
}

export interface ClusterModel {
  name: string;
  startMs: number;
  /** The snapshot is taken at the end of the observation window. */
  snapshotMs: number;
  nodes: readonly NodeSpec[];
  namespaces: NamespaceModel[];
  workloads: WorkloadModel[];
  pods: PodModel[];
  topology: Topology;
}

const API_VERSION: Record<WorkloadSpec['kind'], string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  CronJob: 'batch/v1',
};

/** Pod labels that Cilium leaves out of identities (its default label filter). */
const NOT_IDENTITY = [
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'controller-uid',
  'job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
];

/** Hands out pod IPs from each node's /24, in order with small gaps, so they are unique and look lived-in. */
class IpAllocator {
  private readonly next = new Map<string, number>();

  constructor(private readonly rng: Random) {}

  allocate(node: NodeSpec): string {
    const host = this.next.get(node.name) ?? this.rng.int(2, 12);
    if (host > 254) throw new Error(`node ${node.name} ran out of pod IPs`);
    this.next.set(node.name, host + this.rng.int(1, 4));
    return `10.244.${node.podSubnet}.${host}`;
  }
}

/** Security identities: one per distinct label set, as Cilium allocates them. */
class IdentityAllocator {
  private readonly byLabels = new Map<string, number>();
  private last: number;

  constructor(private readonly rng: Random) {
    this.last = rng.int(1200, 4000);
  }

  identityOf(labels: string[]): number {
    const key = labels.join(',');
    let id = this.byLabels.get(key);
    if (id === undefined) {
      this.last += this.rng.int(7, 1500);
      id = this.last;
      this.byLabels.set(key, id);
    }
    return id;
  }
}

class EndpointAllocator {
  private readonly used = new Set<string>();
  private readonly ifindex = new Map<string, number>();

  constructor(private readonly rng: Random) {}

  endpoint(node: NodeSpec): { endpointId: number; ifindex: number; lxc: string } {
    let endpointId = this.rng.int(60, 4000);
    while (this.used.has(`${node.name}/${endpointId}`)) endpointId = this.rng.int(60, 4000);
    this.used.add(`${node.name}/${endpointId}`);
    const ifindex = (this.ifindex.get(node.name) ?? 9) + 2;
    this.ifindex.set(node.name, ifindex);
    return { endpointId, ifindex, lxc: `lxc${this.rng.string('0123456789abcdef', 12)}` };
  }
}

function ciliumLabelsOf(pod: Record<string, string>, ns: NamespaceModel, serviceAccount: string): string[] {
  const labels = Object.entries(pod)
    .filter(([key]) => !NOT_IDENTITY.includes(key))
    .map(([key, value]) => `k8s:${key}=${value}`);
  for (const [key, value] of Object.entries(ns.labels)) labels.push(`k8s:io.cilium.k8s.namespace.labels.${key}=${value}`);
  labels.push(`k8s:io.cilium.k8s.policy.cluster=${CLUSTER_NAME}`);
  labels.push(`k8s:io.cilium.k8s.policy.serviceaccount=${serviceAccount}`);
  labels.push(`k8s:io.kubernetes.pod.namespace=${ns.spec.name}`);
  return labels.sort();
}

/** Where each replica runs: DaemonSets everywhere, CoreDNS across the control plane and a worker, the rest on workers. */
function placement(spec: WorkloadSpec, rng: Random): NodeSpec[] {
  const workers = NODES.filter((n) => !n.controlPlane);
  if (spec.kind === 'DaemonSet') return [...NODES];
  if (spec.name === 'coredns') return [...NODES.filter((n) => n.controlPlane), ...workers].slice(0, spec.replicas);
  const first = rng.int(0, workers.length - 1);
  return Array.from({ length: spec.replicas }, (_, i) => workers[(first + i) % workers.length]!);
}

export function buildClusterModel(topology: Topology, startMs: number, rng: Random): ClusterModel {
  const ips = new IpAllocator(rng.fork('ips'));
  const identities = new IdentityAllocator(rng.fork('identities'));
  const endpoints = new EndpointAllocator(rng.fork('endpoints'));
  const names = rng.fork('names');
  const uids = rng.fork('uids');
  const clock = rng.fork('clock');

  // Six months before the window: the day the cluster went live with no NetworkPolicy.
  const bornMs = startMs - 183 * DAY_MS;
  const namespaces: NamespaceModel[] = topology.namespaces.map((spec, i) => ({
    spec,
    uid: uids.uuid(),
    createdMs: bornMs + i * 47_000,
    labels: { 'kubernetes.io/metadata.name': spec.name, ...spec.labels },
  }));
  const nsByName = new Map(namespaces.map((ns) => [ns.spec.name, ns]));

  const workloads: WorkloadModel[] = [];
  const pods: PodModel[] = [];
  for (const spec of topology.workloads) {
    const ns = nsByName.get(spec.namespace);
    if (!ns) throw new Error(`workload ${spec.namespace}/${spec.name}: no such namespace`);
    const ref: ObjectRef = { apiVersion: API_VERSION[spec.kind], kind: spec.kind, name: spec.name, uid: uids.uuid() };
    const createdMs = ns.createdMs + clock.int(5, 600) * 1000;
    const templateHash = names.string(KUBE_NAME_ALPHABET, spec.kind === 'Deployment' ? names.int(8, 10) : 10);
    const workload: WorkloadModel = { spec, ref, createdMs, templateHash, pods: [] };
    workloads.push(workload);

    // The owner of the pods, and when the current pods were created.
    let owner: ObjectRef = ref;
    let podsCreatedMs = startMs - clock.int(1, 40) * DAY_MS - clock.int(0, 86_399) * 1000;
    const base: Record<string, string> = { ...spec.labels };
    if (spec.kind === 'Deployment') {
      const rsLabels = { ...spec.labels, 'pod-template-hash': templateHash };
      owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${spec.name}-${templateHash}`, uid: uids.uuid() };
      workload.revision = { ref: owner, createdMs: podsCreatedMs, labels: rsLabels };
      base['pod-template-hash'] = templateHash;
    } else if (spec.kind === 'CronJob') {
      const scheduledMs = startMs + (spec.runAtMs ?? 0);
      const jobName = `${spec.name}-${Math.floor(scheduledMs / 60_000)}`;
      owner = { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: uids.uuid() };
      podsCreatedMs = scheduledMs + 1000;
      const jobLabels = {
        'batch.kubernetes.io/controller-uid': owner.uid,
        'batch.kubernetes.io/job-name': jobName,
        'controller-uid': owner.uid,
        'job-name': jobName,
      };
      workload.revision = { ref: owner, createdMs: scheduledMs, labels: { ...jobLabels, ...spec.labels } };
      Object.assign(base, jobLabels);
    } else if (spec.kind === 'DaemonSet') {
      base['controller-revision-hash'] = templateHash;
      base['pod-template-generation'] = '1';
    } else {
      base['controller-revision-hash'] = `${spec.name}-${templateHash}`;
    }

    placement(spec, names).forEach((node, i) => {
      const labels = { ...base };
      let name: string;
      if (spec.kind === 'StatefulSet') {
        name = `${spec.name}-${i}`;
        labels['apps.kubernetes.io/pod-index'] = String(i);
        labels['statefulset.kubernetes.io/pod-name'] = name;
      } else {
        name = `${owner.kind === 'ReplicaSet' || owner.kind === 'Job' ? owner.name : spec.name}-${names.string(KUBE_NAME_ALPHABET, 5)}`;
      }
      const ciliumLabels = ciliumLabelsOf(labels, ns, spec.serviceAccount);
      const pod: PodModel = {
        namespace: spec.namespace,
        name,
        uid: uids.uuid(),
        node,
        ip: ips.allocate(node),
        labels,
        owner,
        workload,
        createdMs: podsCreatedMs + i * clock.int(2, 30) * 1000,
        phase: spec.kind === 'CronJob' ? 'Succeeded' : 'Running',
        identity: identities.identityOf(ciliumLabels),
        ciliumLabels,
        ...endpoints.endpoint(node),
      };
      if (spec.kind === 'CronJob') pod.finishedMs = podsCreatedMs + clock.int(150, 200) * 1000;
      workload.pods.push(pod);
      pods.push(pod);
    });
  }

  return {
    name: CLUSTER_NAME,
    startMs,
    snapshotMs: startMs + WINDOW_MS,
    nodes: NODES,
    namespaces,
    workloads,
    pods,
    topology,
  };
}
