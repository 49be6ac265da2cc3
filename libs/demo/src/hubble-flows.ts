// Renders the topology's dependencies as a Hubble exporter file: one `{"flow":{...},"node_name":..,"time":..}`
// per line, in time order, shaped like what Cilium prints (field names, enums, labels, omitted zero values).
//
// Each connection is seen several times, as in a real capture:
//   client node  FROM_ENDPOINT  EGRESS   is_reply=false  SYN                 (always, for a pod client)
//   client node  TO_OVERLAY     -        (no is_reply)   SYN                 (sometimes, pod to pod across nodes)
//   client node  TO_STACK       EGRESS   is_reply=false  SYN                 (sometimes, to outside the cluster)
//   server node  TO_ENDPOINT    INGRESS  is_reply=false  SYN                 (pod server)
//   client node  TO_ENDPOINT    EGRESS   is_reply=true   SYN+ACK, swapped    (reply back to a pod client)
//   server node  TO_STACK       INGRESS  is_reply=true   SYN+ACK, swapped    (reply to a client outside)
// Endpoints on another node than the observer have no `ID`, and now and then no pod_name/namespace either:
// the importer has to fall back on the labels or the IP.

import type { ClusterModel, PodModel, WorkloadModel } from './cluster-model';
import { Random } from './random';
import { API_SERVER_ENDPOINT, type Dependency, type NodeSpec, type Peer, type Protocol, WINDOW_MS } from './topology';

type FlowEndpoint =
  | { kind: 'pod'; pod: PodModel }
  | { kind: 'world'; ip: string; names?: string[] }
  | { kind: 'kube-apiserver'; ip: string }
  | { kind: 'host'; node: NodeSpec };

export interface Connection {
  atNs: number;
  client: FlowEndpoint;
  server: FlowEndpoint;
  clientPort: number;
  serverPort: number;
  protocol: Protocol;
}

type ObservationPoint = 'FROM_ENDPOINT' | 'TO_OVERLAY' | 'TO_STACK' | 'TO_ENDPOINT';

/** Trace notification sub-types (Cilium's TraceToLxc = 0 is omitted from the JSON as a zero value). */
const SUB_TYPE: Record<ObservationPoint, number | undefined> = {
  TO_ENDPOINT: undefined,
  TO_STACK: 3,
  TO_OVERLAY: 4,
  FROM_ENDPOINT: 5,
};

export interface FlowEvent {
  atNs: number;
  seq: number;
  node: NodeSpec;
  flow: Record<string, unknown>;
}

const EPHEMERAL_PORTS: [number, number] = [32768, 60999];
const NS_PER_MS = 1_000_000;
/** How often an endpoint on another node shows up with only its identity and labels. */
const REMOTE_NAME_MISSING = 0.2;

/** RFC 3339 with nanoseconds, as Hubble prints `time`. */
export function hubbleTime(startMs: number, offsetNs: number): string {
  const ms = Math.floor(offsetNs / NS_PER_MS);
  const subMs = offsetNs - ms * NS_PER_MS;
  const iso = new Date(startMs + ms).toISOString(); // 2026-11-21T10:40:56.465Z
  return `${iso.slice(0, -1)}${String(subMs).padStart(6, '0')}Z`;
}

function ipOf(ep: FlowEndpoint): string {
  switch (ep.kind) {
    case 'pod':
      return ep.pod.ip;
    case 'host':
      return ep.node.ip;
    default:
      return ep.ip;
  }
}

function nodeOf(ep: FlowEndpoint): NodeSpec | undefined {
  if (ep.kind === 'pod') return ep.pod.node;
  if (ep.kind === 'host') return ep.node;
  return undefined;
}

export class FlowRenderer {
  private seq = 0;
  readonly events: FlowEvent[] = [];

  constructor(private readonly rng: Random) {}

  private endpoint(ep: FlowEndpoint, observer: NodeSpec): Record<string, unknown> {
    switch (ep.kind) {
      case 'pod': {
        const local = ep.pod.node === observer;
        const named = local || !this.rng.chance(REMOTE_NAME_MISSING);
        const workload = ep.pod.workload;
        return {
          ID: local ? ep.pod.endpointId : undefined,
          identity: ep.pod.identity,
          namespace: named ? ep.pod.namespace : undefined,
          labels: ep.pod.ciliumLabels,
          pod_name: named ? ep.pod.name : undefined,
          workloads: named ? [{ name: workload.spec.name, kind: workload.spec.kind }] : undefined,
        };
      }
      case 'world':
        return { identity: 2, labels: ['reserved:world'] };
      case 'kube-apiserver':
        return { identity: 7, labels: ['reserved:kube-apiserver'] };
      case 'host':
        return ep.node === observer ? { identity: 1, labels: ['reserved:host'] } : { identity: 6, labels: ['reserved:remote-node'] };
    }
  }

  private names(ep: FlowEndpoint): string[] | undefined {
    return ep.kind === 'world' ? ep.names : undefined;
  }

  /** One observation of a packet of connection `c`, in its direction (`reply` swaps both ends and ports). */
  emit(
    c: Connection,
    atNs: number,
    observer: NodeSpec,
    point: ObservationPoint,
    opts: { reply: boolean; direction?: 'INGRESS' | 'EGRESS'; isReplyKnown: boolean },
  ): void {
    const [src, dst] = opts.reply ? [c.server, c.client] : [c.client, c.server];
    const [srcPort, dstPort] = opts.reply ? [c.serverPort, c.clientPort] : [c.clientPort, c.serverPort];
    const ports = { source_port: srcPort, destination_port: dstPort };
    const l4 = c.protocol === 'TCP' ? { TCP: { ...ports, flags: opts.reply ? { SYN: true, ACK: true } : { SYN: true } } } : { UDP: ports };
    const summary = c.protocol === 'TCP' ? (opts.reply ? 'TCP Flags: SYN, ACK' : 'TCP Flags: SYN') : 'UDP';
    const local = point === 'TO_ENDPOINT' ? dst : undefined;
    const subType = SUB_TYPE[point];
    this.events.push({
      atNs,
      seq: this.seq++,
      node: observer,
      flow: {
        time: '', // set when rendered, from the window start
        uuid: this.rng.uuid(),
        verdict: 'FORWARDED',
        IP: { source: ipOf(src), destination: ipOf(dst), ipVersion: 'IPv4' },
        l4,
        source: this.endpoint(src, observer),
        destination: this.endpoint(dst, observer),
        Type: 'L3_L4',
        node_name: observer.name,
        source_names: this.names(src),
        destination_names: this.names(dst),
        event_type: subType === undefined ? { type: 4 } : { type: 4, sub_type: subType },
        traffic_direction: opts.direction,
        trace_observation_point: point,
        is_reply: opts.isReplyKnown ? opts.reply : undefined,
        interface:
          point === 'TO_OVERLAY'
            ? { index: 6, name: 'cilium_vxlan' }
            : local?.kind === 'pod'
              ? { index: local.pod.ifindex, name: local.pod.lxc }
              : undefined,
        Summary: summary,
      },
    });
  }

  /** Every observation of one connection, with plausible latencies between them. */
  connection(c: Connection): void {
    const clientNode = nodeOf(c.client);
    const serverNode = nodeOf(c.server);
    const t = c.atNs;
    if (c.client.kind === 'pod' && clientNode) {
      this.emit(c, t, clientNode, 'FROM_ENDPOINT', { reply: false, direction: 'EGRESS', isReplyKnown: true });
      if (c.server.kind === 'pod' && serverNode) {
        const crossNode = serverNode !== clientNode;
        const latency = crossNode ? this.rng.int(150_000, 600_000) : this.rng.int(20_000, 80_000);
        if (crossNode && this.rng.chance(0.6)) {
          this.emit(c, t + this.rng.int(4_000, 20_000), clientNode, 'TO_OVERLAY', { reply: false, isReplyKnown: false });
        }
        this.emit(c, t + latency, serverNode, 'TO_ENDPOINT', { reply: false, direction: 'INGRESS', isReplyKnown: true });
        const replyAt = t + 2 * latency + this.rng.int(10_000, 50_000);
        this.emit(c, replyAt, clientNode, 'TO_ENDPOINT', { reply: true, direction: 'EGRESS', isReplyKnown: true });
      } else {
        // Out of the cluster (or to the API server on its node): leaves through the stack.
        const overTheInternet = c.server.kind === 'world' && c.serverPort === 443;
        const latency = overTheInternet ? this.rng.int(8, 40) * NS_PER_MS : this.rng.int(300_000, 2_000_000);
        if (this.rng.chance(0.7)) {
          const at = t + this.rng.int(4_000, 20_000);
          this.emit(c, at, clientNode, 'TO_STACK', { reply: false, direction: 'EGRESS', isReplyKnown: true });
        }
        this.emit(c, t + 2 * latency, clientNode, 'TO_ENDPOINT', { reply: true, direction: 'EGRESS', isReplyKnown: true });
      }
    } else if (c.server.kind === 'pod' && serverNode) {
      // From outside Cilium's endpoints (the internet, the kubelet): only the server's node sees it.
      this.emit(c, t, serverNode, 'TO_ENDPOINT', { reply: false, direction: 'INGRESS', isReplyKnown: true });
      const replyAt = t + this.rng.int(30_000, 200_000);
      this.emit(c, replyAt, serverNode, 'TO_STACK', { reply: true, direction: 'INGRESS', isReplyKnown: true });
    } else {
      throw new Error('a connection needs a pod on at least one side');
    }
  }
}

export function workloadIndex(model: ClusterModel): Map<string, WorkloadModel> {
  return new Map(model.workloads.map((w) => [`${w.spec.namespace}/${w.spec.name}`, w]));
}

function podsOf(peer: Peer & { kind: 'workload' }, index: Map<string, WorkloadModel>): PodModel[] {
  const w = index.get(`${peer.namespace}/${peer.name}`);
  if (!w) throw new Error(`dependency names an unknown workload ${peer.namespace}/${peer.name}`);
  if (w.pods.length === 0) throw new Error(`dependency names ${peer.namespace}/${peer.name}, which has no pods`);
  return w.pods;
}

/** The connections of one dependency: times spread over its slot, pods picked among the replicas. */
export function connectionsOf(dep: Dependency, index: Map<string, WorkloadModel>, rng: Random): Connection[] {
  const [fromMs, toMs] = dep.during ?? [0, WINDOW_MS];
  const out: Connection[] = [];
  for (let i = 0; i < dep.connections; i++) {
    const runMs = dep.runs ? dep.runs.firstMs + (i % dep.runs.inWindow) * dep.runs.everyMs : 0;
    const atNs = (runMs + rng.int(fromMs, toMs - 1)) * NS_PER_MS + rng.int(0, NS_PER_MS - 1);
    let server: FlowEndpoint;
    let serverPods: PodModel[] = [];
    switch (dep.to.kind) {
      case 'workload':
        serverPods = podsOf(dep.to, index);
        server = { kind: 'pod', pod: dep.everyPod ? serverPods[i % serverPods.length]! : rng.pick(serverPods) };
        break;
      case 'world':
        server = { kind: 'world', ip: rng.pick(dep.to.ips), names: dep.to.names };
        break;
      case 'kube-apiserver':
        server = { kind: 'kube-apiserver', ip: API_SERVER_ENDPOINT.ip };
        break;
      case 'host':
        throw new Error('the host is never a server in the demo');
    }
    let client: FlowEndpoint;
    switch (dep.from.kind) {
      case 'workload': {
        let candidates = podsOf(dep.from, index);
        // Inside one workload (replication), a pod never talks to itself: replicas connect to the first pod.
        if (server.kind === 'pod' && serverPods === candidates) {
          server = { kind: 'pod', pod: candidates[0]! };
          candidates = candidates.slice(1);
        }
        client = { kind: 'pod', pod: rng.pick(candidates) };
        break;
      }
      case 'world':
        client = { kind: 'world', ip: rng.pick(dep.from.ips) };
        break;
      case 'host': {
        const node = nodeOf(server);
        if (!node) throw new Error('a host client needs a pod server');
        client = { kind: 'host', node };
        break;
      }
      case 'kube-apiserver':
        throw new Error('the API server is never a client in the demo');
    }
    const clientPort = rng.int(EPHEMERAL_PORTS[0], EPHEMERAL_PORTS[1]);
    out.push({ atNs, client, server, clientPort, serverPort: dep.port, protocol: dep.protocol });
  }
  return out;
}

/** Events in time order, as exporter lines' objects (`{"flow":{...},"node_name":..,"time":..}`), `atNs` after `startMs`. */
export function exporterLines(
  startMs: number,
  events: readonly FlowEvent[],
): Array<{ flow: Record<string, unknown>; node_name: string; time: string }> {
  return [...events]
    .sort((a, b) => a.atNs - b.atNs || a.seq - b.seq)
    .map((e) => {
      const time = hubbleTime(startMs, e.atNs);
      return { flow: { ...e.flow, time }, node_name: e.node.name, time };
    });
}

/** The Hubble exporter lines for the whole window, sorted by time. */
export function renderHubbleFlows(model: ClusterModel, rng: Random): string[] {
  const index = workloadIndex(model);
  const connectionRng = rng.fork('connections');
  const renderer = new FlowRenderer(rng.fork('events'));
  for (const dep of model.topology.dependencies) {
    for (const c of connectionsOf(dep, index, connectionRng)) renderer.connection(c);
  }
  return exporterLines(model.startMs, renderer.events).map((line) => JSON.stringify(line));
}
