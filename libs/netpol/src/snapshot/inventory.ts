import type { ClusterNetworkPolicy } from '../model/cluster-policy';
import type { InventoryNode } from '../model/node';
import type { Labels, NetworkPolicy } from '../model/types';
import { readClusterPolicy } from './cluster-policy';
import { compare } from './parse';
import type { InventoryPort, OwnerReference, Snapshot, SnapshotWorkload } from './types';

export type { InventoryPort } from './types';

export interface InventoryNamespace {
  name: string;
  labels: Record<string, string>;
  /** True when no Namespace object was listed and a pod, workload or policy implied it. */
  implicit?: boolean;
}

export interface InventoryWorkload {
  namespace: string;
  name: string;
  /** Deployment | StatefulSet | DaemonSet | Job | CronJob | ReplicaSet | Pod (or the owner kind of a custom controller). */
  kind: string;
  /** The labels all of its pods share, or its pod template's when none is listed. */
  labels: Record<string, string>;
  ports: InventoryPort[];
  podCount: number;
  /** True when no pod was listed: podCount is 1 and the pod is synthesised from the template. */
  fromTemplate?: boolean;
}

export interface InventoryPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ips: string[];
  phase?: string;
  /** The pod shares its node's network namespace and address. */
  hostNetwork?: boolean;
  /** The node it was scheduled to, when the snapshot says. */
  nodeName?: string;
  workload: { kind: string; name: string };
  ports: InventoryPort[];
  /** True for the stand-in pod of a workload listed without pods. */
  synthetic?: boolean;
}

export interface Inventory {
  namespaces: InventoryNamespace[];
  workloads: InventoryWorkload[];
  pods: InventoryPod[];
  policies: NetworkPolicy[];
  /** Cluster-scoped policies of both tiers, v1alpha1 kinds read onto ClusterNetworkPolicy (absent: none listed). */
  clusterPolicies?: ClusterNetworkPolicy[];
  /** The nodes, sorted by name, with the addresses of their host-network pods (absent: none listed or implied). */
  nodes?: InventoryNode[];
}

const POD_TEMPLATE_HASH = 'pod-template-hash';
/** CronJob controllers name their Jobs `<cronjob>-<scheduled time in minutes>`. */
const CRONJOB_SUFFIX = /^(.+)-([0-9]{8,})$/;

function controllerOf(owners: OwnerReference[]): OwnerReference | undefined {
  return owners.find((o) => o.controller) ?? owners[0];
}

/**
 * Derives namespaces, workloads and pods from a snapshot. Workloads follow ownerReferences:
 * Pod -> ReplicaSet -> Deployment, Pod -> StatefulSet / DaemonSet, Pod -> Job -> CronJob. When the
 * intermediate object is missing, the Deployment is the ReplicaSet name less its `-<pod-template-hash>`
 * suffix (checked against the pod's label), and the CronJob is the Job name less a numeric suffix of at
 * least 8 digits (or any numeric suffix naming a listed CronJob). A pod without owner is its own workload.
 * A workload object with no listed pod gets one synthetic pod with its template's labels and ports.
 */
export function buildInventory(snapshot: Snapshot): Inventory {
  const objects = new Map<string, SnapshotWorkload>();
  for (const w of snapshot.workloads) objects.set(`${w.namespace}/${w.kind}/${w.name}`, w);
  const object = (namespace: string, kind: string, name: string) => objects.get(`${namespace}/${kind}/${name}`);

  /** Climbs from a direct owner to the top-level workload. */
  const topLevel = (namespace: string, owner: OwnerReference, podLabels: Labels): { kind: string; name: string } => {
    if (owner.kind === 'ReplicaSet') {
      const rs = object(namespace, 'ReplicaSet', owner.name);
      if (rs) {
        const parent = controllerOf(rs.ownerReferences);
        return parent ? { kind: parent.kind, name: parent.name } : { kind: 'ReplicaSet', name: rs.name };
      }
      const hash = podLabels[POD_TEMPLATE_HASH];
      if (hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
        return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
      }
      return { kind: 'ReplicaSet', name: owner.name };
    }
    if (owner.kind === 'Job') {
      const job = object(namespace, 'Job', owner.name);
      if (job) {
        const parent = controllerOf(job.ownerReferences);
        return parent ? { kind: parent.kind, name: parent.name } : { kind: 'Job', name: job.name };
      }
      const cronJobName = /^(.+)-[0-9]+$/.exec(owner.name)?.[1];
      if (cronJobName !== undefined && (CRONJOB_SUFFIX.test(owner.name) || object(namespace, 'CronJob', cronJobName))) {
        return { kind: 'CronJob', name: cronJobName };
      }
      return { kind: 'Job', name: owner.name };
    }
    return { kind: owner.kind, name: owner.name };
  };

  interface Group {
    namespace: string;
    kind: string;
    name: string;
    pods: InventoryPod[];
  }
  const groups = new Map<string, Group>();
  const groupOf = (namespace: string, kind: string, name: string): Group => {
    const key = `${namespace}/${kind}/${name}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { namespace, kind, name, pods: [] }));
    return group;
  };

  const pods: InventoryPod[] = [];
  for (const pod of snapshot.pods) {
    const owner = controllerOf(pod.ownerReferences);
    // Static pods are "owned" by their Node: each is still its own workload.
    const workload = owner && owner.kind !== 'Node' ? topLevel(pod.namespace, owner, pod.labels) : { kind: 'Pod', name: pod.name };
    const inventoryPod: InventoryPod = {
      namespace: pod.namespace,
      name: pod.name,
      labels: pod.labels,
      ips: pod.ips,
      ...(pod.phase !== undefined ? { phase: pod.phase } : {}),
      ...(pod.hostNetwork ? { hostNetwork: true } : {}),
      ...(pod.nodeName !== undefined ? { nodeName: pod.nodeName } : {}),
      workload,
      ports: pod.ports,
    };
    pods.push(inventoryPod);
    groupOf(pod.namespace, workload.kind, workload.name).pods.push(inventoryPod);
  }

  const workloads: InventoryWorkload[] = [];
  for (const group of groups.values()) {
    workloads.push({
      namespace: group.namespace,
      name: group.name,
      kind: group.kind,
      labels: commonLabels(group.pods.map((p) => p.labels)),
      ports: unionPorts(group.pods.map((p) => p.ports)),
      podCount: group.pods.length,
    });
  }

  // Workload objects without pods: a top-level object (no controller listed above it) stands for one pod.
  for (const w of snapshot.workloads) {
    const parent = controllerOf(w.ownerReferences);
    if (parent && (w.kind === 'ReplicaSet' || w.kind === 'Job')) continue;
    if (groups.has(`${w.namespace}/${w.kind}/${w.name}`)) continue;
    const synthetic: InventoryPod = {
      namespace: w.namespace,
      name: `${w.name}-template`,
      labels: w.templateLabels,
      ips: [],
      workload: { kind: w.kind, name: w.name },
      ports: w.templatePorts,
      synthetic: true,
    };
    pods.push(synthetic);
    workloads.push({
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      labels: w.templateLabels,
      ports: w.templatePorts,
      podCount: 1,
      fromTemplate: true,
    });
  }

  const byNamespaceName = <T extends { namespace: string; name: string }>(a: T, b: T) =>
    compare(a.namespace, b.namespace) || compare(a.name, b.name);
  pods.sort(byNamespaceName);
  workloads.sort((a, b) => byNamespaceName(a, b) || compare(a.kind, b.kind));
  const nodes = buildNodes(snapshot);
  return {
    namespaces: snapshot.namespaces.map((n) => ({ name: n.name, labels: n.labels, ...(n.implicit ? { implicit: true } : {}) })),
    workloads,
    pods,
    policies: snapshot.policies,
    ...(snapshot.clusterPolicies.length > 0 ? { clusterPolicies: snapshot.clusterPolicies.map(readClusterPolicy) } : {}),
    ...(nodes.length > 0 ? { nodes } : {}),
  };
}

/** The listed nodes, plus the addresses of host-network pods on them (a node only such a pod names is implied). */
function buildNodes(snapshot: Snapshot): InventoryNode[] {
  const nodes = new Map<string, InventoryNode>(
    snapshot.nodes.map((n) => [n.name, { name: n.name, labels: n.labels, addresses: [...n.addresses] }]),
  );
  for (const pod of snapshot.pods) {
    if (!pod.hostNetwork || pod.nodeName === undefined) continue;
    let node = nodes.get(pod.nodeName);
    if (!node) nodes.set(pod.nodeName, (node = { name: pod.nodeName, labels: {}, addresses: [], implicit: true }));
    for (const address of pod.ips)
      if (!node.addresses.some((a) => a.address === address)) node.addresses.push({ type: 'InternalIP', address });
  }
  const sorted = [...nodes.values()].sort((a, b) => compare(a.name, b.name));
  for (const node of sorted) node.addresses.sort((a, b) => compare(a.address, b.address));
  return sorted;
}

function commonLabels(all: Labels[]): Labels {
  const [first, ...rest] = all;
  if (!first) return {};
  const common: Labels = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((l) => l[k] === v)) common[k] = v;
  return common;
}

function unionPorts(all: InventoryPort[][]): InventoryPort[] {
  const seen = new Map<string, InventoryPort>();
  for (const ports of all) for (const p of ports) seen.set(`${p.name ?? ''}/${p.port}/${p.protocol}`, p);
  return [...seen.values()].sort((a, b) => a.port - b.port || compare(a.protocol, b.protocol) || compare(a.name ?? '', b.name ?? ''));
}
