// Inspektor Gadget `trace_tcp` JSON (`kubectl gadget run trace_tcp -o json`, `ig run trace_tcp -o json`):
// one object per TCP event of a traced container. `src` is the container's own socket and `dst` the
// peer, for every event type, so a `connect` makes the container the client and an `accept` makes it
// the server. `close` events open nothing and are skipped. The schema drifts between releases (flat
// `comm`/`pid` or a nested `proc`, `proto` as 6 or "TCP"); only the fields an edge needs are read.
import { declaredRecord, type DeclaredPort } from './declared';
import type { FlowEndpoint, FlowRecord, SkipReason } from './model';
import { dateMs, isIp, isoFromMs, parseTimeMs } from './names';

/* eslint-disable @typescript-eslint/no-explicit-any -- gadget events are read field by field, defensively */

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function portOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

/** The traced container: its pod by namespace and name when the gadget ran with Kubernetes enrichment. */
function localEndpoint(k8s: any, ip: string): FlowEndpoint {
  const namespace = k8s && typeof k8s === 'object' ? text(k8s.namespace) : undefined;
  const pod = k8s && typeof k8s === 'object' ? text(k8s.podName) : undefined;
  if (namespace === undefined || pod === undefined) return { kind: 'unknown', ip };
  const owner = k8s.owner && typeof k8s.owner === 'object' ? k8s.owner : undefined;
  const ownerName = owner ? text(owner.name) : undefined;
  const workload = ownerName === undefined ? undefined : { kind: text(owner.kind), name: ownerName };
  return { kind: 'pod', namespace, pod, workload, ip };
}

/** The peer: a pod when the KubeIPResolver named one, else its address (a Service ClusterIP stays an address). */
function peerEndpoint(peer: any, ip: string): FlowEndpoint {
  const k8s = peer.k8s && typeof peer.k8s === 'object' ? peer.k8s : undefined;
  const namespace = k8s ? text(k8s.namespace) : undefined;
  const name = k8s ? text(k8s.name) : undefined;
  if (k8s && k8s.kind === 'pod' && namespace !== undefined && name !== undefined) return { kind: 'pod', namespace, pod: name, ip };
  if (k8s && k8s.kind === 'svc' && namespace !== undefined && name !== undefined)
    return { kind: 'unknown', ip, service: { namespace, name } };
  return { kind: 'unknown', ip };
}

/** Normalize one `trace_tcp` event. */
export function normalizeTraceTcpEvent(event: any, line: number): FlowRecord | SkipReason {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return 'not-an-object';
  const local = event.src;
  const peer = event.dst;
  if (!local || typeof local !== 'object' || !peer || typeof peer !== 'object') return 'unrecognized-object';
  const type = text(event.type);
  if (type !== 'connect' && type !== 'accept') return 'non-flow-event';
  const proto = peer.proto ?? local.proto;
  if (proto !== 6 && proto !== 'TCP' && proto !== 'tcp') return 'unsupported-protocol';
  const localIp = text(local.addr);
  const peerIp = text(peer.addr);
  if (localIp === undefined || peerIp === undefined) return 'missing-endpoint';
  if (!isIp(localIp) || !isIp(peerIp)) return 'invalid-endpoint';
  if (isLoopback(localIp) || isLoopback(peerIp)) return 'loopback';

  const container = localEndpoint(event.k8s, localIp);
  const other = peerEndpoint(peer, peerIp);
  const connect = type === 'connect';
  const serverPort = connect ? portOf(peer.port) : portOf(local.port);
  if (serverPort === undefined) return 'missing-port';
  const rawNs = typeof event.timestamp_raw === 'number' ? event.timestamp_raw : undefined;
  const time = text(event.timestamp);
  const timeMs = parseTimeMs(time) ?? (rawNs === undefined ? undefined : dateMs(Math.floor(rawNs / 1e6)));
  const error = typeof event.error === 'number' ? event.error : text(event.error);
  const failed = error !== undefined && error !== 0 && error !== '0';
  return {
    format: 'ig-trace-tcp',
    line,
    time: time ?? (timeMs === undefined ? undefined : isoFromMs(timeMs)),
    timeMs,
    endTimeMs: undefined,
    src: connect ? container : other,
    dst: connect ? other : container,
    srcPort: connect ? portOf(local.port) : portOf(peer.port),
    dstPort: serverPort,
    protocol: 'TCP',
    icmpType: undefined,
    verdict: failed ? 'denied' : 'allowed',
    verdictReason: failed ? `${type} failed: error ${String(error)}` : undefined,
    reporter: connect ? 'src' : 'dst',
    observationPoint: type,
    node: event.k8s && typeof event.k8s === 'object' ? text(event.k8s.node) : undefined,
    flipped: !connect,
    directionBasis: 'event-type',
    directionConfidence: 'high',
    newConnection: true,
    connections: 1,
    l7: undefined,
  };
}

// `advise networkpolicy`: the gadget watches traffic and prints the NetworkPolicies that would allow
// it. Each rule peer with ports is a declared edge between the policy's pods and the peer:
// `egress.to` from the selected pods, `ingress.from` to them. Pods are named by `matchLabels` and
// found by labels through the inventory; a namespace by `kubernetes.io/metadata.name`; `ipBlock.cidr`
// is an address outside. Selectors that name no single set of pods are skipped.

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function matchLabelsOf(selector: any): Record<string, string> | undefined {
  if (!selector || typeof selector !== 'object' || Array.isArray(selector)) return undefined;
  if (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0) return undefined;
  const labels = selector.matchLabels;
  if (!labels || typeof labels !== 'object' || Array.isArray(labels)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
    out[k] = String(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function peerOf(peer: any, policyNamespace: string): FlowEndpoint | undefined {
  if (!peer || typeof peer !== 'object') return undefined;
  if (peer.ipBlock && typeof peer.ipBlock === 'object') {
    const cidr = text(peer.ipBlock.cidr);
    if (cidr === undefined) return undefined;
    const slash = cidr.indexOf('/');
    const ip = slash < 0 ? cidr : cidr.slice(0, slash);
    const bits = slash < 0 ? undefined : cidr.slice(slash + 1);
    if (!isIp(ip)) return undefined;
    const single = bits === undefined || bits === (ip.includes(':') ? '128' : '32');
    return single ? { kind: 'external', ip } : { kind: 'external', cidr };
  }
  const labels = matchLabelsOf(peer.podSelector);
  if (labels === undefined) return undefined;
  let namespace = policyNamespace;
  if (peer.namespaceSelector !== undefined) {
    const nsLabels = matchLabelsOf(peer.namespaceSelector);
    const named = nsLabels?.[NAMESPACE_NAME_LABEL];
    if (named === undefined) return undefined;
    namespace = named;
  }
  return { kind: 'pod', namespace, labels };
}

/** The rule's ports: numbers with their protocol; none means every port the destination serves. */
function portsOf(ports: unknown): DeclaredPort[] | undefined {
  if (ports === undefined || ports === null) return [];
  if (!Array.isArray(ports)) return undefined;
  const out: DeclaredPort[] = [];
  for (const p of ports) {
    if (!p || typeof p !== 'object') continue;
    const protocol = p.protocol === undefined ? 'TCP' : p.protocol;
    if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') continue;
    const port = portOf(p.port);
    if (port !== undefined) out.push({ port, protocol }); // a named port cannot be read without the pod spec
  }
  return out;
}

/** Normalize one advised NetworkPolicy into declared records (one per rule peer and port). */
export function normalizeAdvisedPolicy(policy: any, line: number): FlowRecord[] | SkipReason {
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) return 'not-an-object';
  if (policy.kind !== 'NetworkPolicy' || !policy.spec || typeof policy.spec !== 'object') return 'unrecognized-object';
  const namespace = policy.metadata && typeof policy.metadata === 'object' ? text(policy.metadata.namespace) : undefined;
  if (namespace === undefined) return 'missing-endpoint';
  const selected = matchLabelsOf(policy.spec.podSelector);
  if (selected === undefined) return 'unsupported-selector';
  const self: FlowEndpoint = { kind: 'pod', namespace, labels: selected };
  const out: FlowRecord[] = [];
  let unsupported = false;
  const rules = (list: unknown, peersKey: 'to' | 'from') => {
    if (!Array.isArray(list)) return;
    for (const rule of list) {
      if (!rule || typeof rule !== 'object') continue;
      const ports = portsOf(rule.ports);
      const peers = rule[peersKey];
      if (ports === undefined || !Array.isArray(peers) || peers.length === 0) {
        unsupported = true; // every peer, or ports that cannot be read
        continue;
      }
      for (const raw of peers) {
        const peer = peerOf(raw, namespace);
        if (peer === undefined) {
          unsupported = true;
          continue;
        }
        const [src, dst] = peersKey === 'to' ? [self, peer] : [peer, self];
        const reporter = peersKey === 'to' ? 'src' : 'dst';
        if (ports.length === 0) out.push(declaredRecord('ig-advise-networkpolicy', line, src, dst, reporter, undefined));
        for (const port of ports) out.push(declaredRecord('ig-advise-networkpolicy', line, src, dst, reporter, port));
      }
    }
  };
  rules(policy.spec.egress, 'to');
  rules(policy.spec.ingress, 'from');
  return out.length === 0 && unsupported ? 'unsupported-selector' : out;
}
