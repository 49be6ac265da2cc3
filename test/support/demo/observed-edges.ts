// For the specs only: read the demo back the way an importer would, independently of
// the generator's internals: parse the lines, orient each event, name both ends from the snapshot.

import type { DemoCluster } from '@bulkhead/demo';

export interface HubbleEndpoint {
  ID?: number;
  identity?: number;
  namespace?: string;
  labels?: string[];
  pod_name?: string;
  workloads?: { name: string; kind: string }[];
}

interface Ports {
  source_port: number;
  destination_port: number;
}

export interface HubbleFlow {
  time: string;
  uuid: string;
  verdict: string;
  IP: { source: string; destination: string; ipVersion: string };
  l4: { TCP?: Ports & { flags?: Record<string, boolean> }; UDP?: Ports };
  source: HubbleEndpoint;
  destination: HubbleEndpoint;
  Type: string;
  node_name: string;
  source_names?: string[];
  destination_names?: string[];
  event_type: { type: number; sub_type?: number };
  traffic_direction?: string;
  trace_observation_point: string;
  is_reply?: boolean;
  Summary: string;
}

export interface HubbleLine {
  flow: HubbleFlow;
  node_name: string;
  time: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  spec?: {
    replicas?: number;
    schedule?: string;
    containers?: { name: string; ports?: { name: string; containerPort: number; protocol: string }[] }[];
    podSelector?: unknown;
    ingress?: unknown[];
  };
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[] };
}

export interface Edge {
  from: string;
  to: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

export function parseLines(cluster: DemoCluster): HubbleLine[] {
  return cluster.hubbleFlows.map((line) => JSON.parse(line) as HubbleLine);
}

export function items(cluster: DemoCluster, kind?: string): KubeObject[] {
  const all = cluster.snapshot.items as KubeObject[];
  return kind ? all.filter((o) => o.kind === kind) : all;
}

/** `namespace/workload` of every pod IP, following ownerReferences to the top (ReplicaSet -> Deployment, Job -> CronJob). */
export function workloadByPodIp(cluster: DemoCluster): Map<string, string> {
  const byUid = new Map(items(cluster).map((o) => [o.metadata.uid, o]));
  const out = new Map<string, string>();
  for (const pod of items(cluster, 'Pod')) {
    let top: KubeObject = pod;
    for (;;) {
      const owner = top.metadata.ownerReferences?.[0];
      const next = owner ? byUid.get(owner.uid) : undefined;
      if (!next) break;
      top = next;
    }
    if (pod.status?.podIP) out.set(pod.status.podIP, `${pod.metadata.namespace}/${top.metadata.name}`);
  }
  return out;
}

function l4Of(flow: HubbleFlow): { ports: Ports; protocol: 'TCP' | 'UDP' } {
  if (flow.l4.TCP) return { ports: flow.l4.TCP, protocol: 'TCP' };
  if (flow.l4.UDP) return { ports: flow.l4.UDP, protocol: 'UDP' };
  throw new Error(`no TCP/UDP in ${flow.uuid}`);
}

/** True when the event travels server -> client: `is_reply`, else the TCP flags. */
export function isReply(flow: HubbleFlow): boolean {
  if (flow.is_reply !== undefined) return flow.is_reply;
  const flags = flow.l4.TCP?.flags;
  if (flags) return flags.SYN === true && flags.ACK === true;
  return false;
}

function nameOf(ip: string, ep: HubbleEndpoint, names: string[] | undefined, pods: Map<string, string>): string {
  const pod = pods.get(ip);
  if (pod) return pod;
  if (ep.labels?.includes('reserved:kube-apiserver')) return 'kube-apiserver';
  if (ep.labels?.includes('reserved:host')) return 'host';
  if (ep.labels?.includes('reserved:world')) return `world:${names?.[0] ?? ip}`;
  return `unknown:${ip}`;
}

/** One oriented edge per event (so an edge appears as often as it was observed). */
export function observedEdges(cluster: DemoCluster): Edge[] {
  const pods = workloadByPodIp(cluster);
  return parseLines(cluster).map(({ flow }) => {
    const { ports, protocol } = l4Of(flow);
    const reply = isReply(flow);
    const client = reply
      ? nameOf(flow.IP.destination, flow.destination, flow.destination_names, pods)
      : nameOf(flow.IP.source, flow.source, flow.source_names, pods);
    const server = reply
      ? nameOf(flow.IP.source, flow.source, flow.source_names, pods)
      : nameOf(flow.IP.destination, flow.destination, flow.destination_names, pods);
    return { from: client, to: server, port: reply ? ports.source_port : ports.destination_port, protocol };
  });
}

export function edgeKey(e: Edge): string {
  return `${e.from} -> ${e.to} ${e.port}/${e.protocol}`;
}

/** The distinct edges, sorted. */
export function distinctEdges(cluster: DemoCluster): string[] {
  return [...new Set(observedEdges(cluster).map(edgeKey))].sort();
}
