// Cilium Hubble JSON: `hubble observe -o jsonpb` and exporter lines (`{"flow":{...},"node_name","time"}`,
// plus `lost_events` / `node_status` / `agent_event` / `debug_event`), and the bare Flow object of
// `hubble observe -o json`. Encoding is protojson with proto names: zero values are omitted, so every
// field is optional, and `is_reply` absent means "unknown", not false.
import { LabelCache, NO_LABELS, type ParsedLabels } from './labels';
import type { DirectionBasis, FlowEndpoint, FlowRecord, Protocol, ReservedIdentity, SkipReason, Verdict } from './model';
import { isMulticastOrBroadcast, parseTimeMs } from './names';

/* eslint-disable @typescript-eslint/no-explicit-any -- protojson objects are read field by field, defensively */

/** What one Hubble JSON value turned out to be. */
export type HubbleUnit =
  | { readonly kind: 'record'; readonly record: FlowRecord }
  | { readonly kind: 'skip'; readonly reason: SkipReason }
  | { readonly kind: 'lost-events'; readonly lost: number }
  | { readonly kind: 'event'; readonly event: 'node_status' | 'agent_event' | 'debug_event' };

const RESERVED_BY_IDENTITY: Record<number, ReservedIdentity | 'world'> = {
  1: 'host',
  2: 'world',
  3: 'unmanaged',
  4: 'health',
  5: 'init',
  6: 'remote-node',
  7: 'kube-apiserver',
  8: 'ingress',
  9: 'world',
  10: 'world',
  11: 'encrypted-overlay',
};

const HEALTH_PORT = 4240;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function port(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 65535 ? v : undefined;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function endpoint(ep: any, ip: string | undefined, names: any, labelsCache: LabelCache): FlowEndpoint | 'empty' {
  if (ep === undefined || ep === null || typeof ep !== 'object' || Array.isArray(ep)) {
    return ip === undefined ? { kind: 'unknown' } : { kind: 'unknown', ip };
  }
  if (!hasKeys(ep)) return 'empty';
  const identity: number | undefined = typeof ep.identity === 'number' ? ep.identity : undefined;
  const labels: ParsedLabels = ep.labels === undefined ? NO_LABELS : labelsCache.parse(ep.labels, identity);
  const byIdentity = identity === undefined ? undefined : RESERVED_BY_IDENTITY[identity];
  const pod = str(ep.pod_name);
  const namespace = str(ep.namespace) ?? labels.namespace;
  const cluster = str(ep.cluster_name) ?? labels.cluster;
  const wl = Array.isArray(ep.workloads) && ep.workloads.length > 0 ? ep.workloads[0] : undefined;
  const workload = wl && typeof wl.name === 'string' && wl.name ? { kind: str(wl.kind), name: wl.name as string } : undefined;
  const dnsNames: string[] | undefined =
    Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string') ? names : undefined;
  const world = labels.world || byIdentity === 'world';
  const reserved =
    labels.reserved ?? (byIdentity !== undefined && byIdentity !== 'world' && labels.podCount === 0 ? byIdentity : undefined);

  let kind: FlowEndpoint['kind'];
  if (pod !== undefined || (labels.podCount > 0 && namespace !== undefined && reserved === undefined)) kind = 'pod';
  else if (workload !== undefined && namespace !== undefined) kind = 'workload';
  else if (reserved !== undefined) kind = 'reserved';
  else if (world || labels.cidr !== undefined) kind = 'external';
  else kind = 'unknown';

  return {
    kind,
    cluster,
    namespace,
    pod,
    workload,
    labels: labels.podCount > 0 ? labels.pod : undefined,
    reserved: kind === 'reserved' ? reserved : undefined,
    ip,
    cidr: kind === 'external' ? labels.cidr : undefined,
    dnsNames,
    identity,
    identityConflict: kind === 'pod' && world ? true : undefined,
  };
}

function verdictOf(v: unknown): Verdict {
  switch (v) {
    case 'FORWARDED':
    case 'REDIRECTED':
    case 'TRACED':
      return 'allowed';
    case 'DROPPED':
    case 'ERROR':
      return 'denied';
    case 'AUDIT':
      return 'audit';
    default:
      return 'unknown';
  }
}

/** Normalize one Hubble flow object. `wrapper` is the jsonpb envelope when there is one. */
export function normalizeHubbleFlow(flow: any, wrapper: any, line: number, labelsCache: LabelCache): FlowRecord | SkipReason {
  const verdictRaw = flow.verdict;
  if (verdictRaw === 'TRANSLATED' || flow.Type === 'SOCK') return 'socket-translation';
  const et = flow.event_type;
  const eventType: number | undefined = et ? et.type : undefined;
  if (eventType === 7) return 'socket-translation';

  const ipObj = flow.IP;
  const srcIp = ipObj ? str(ipObj.source) : undefined;
  const dstIp = ipObj ? str(ipObj.destination) : undefined;

  let src = endpoint(flow.source, srcIp, flow.source_names, labelsCache);
  let dst = endpoint(flow.destination, dstIp, flow.destination_names, labelsCache);
  if (src === 'empty' || dst === 'empty') return 'empty-endpoint';
  if (src.kind === 'unknown' && src.ip === undefined) return 'missing-endpoint';
  if (dst.kind === 'unknown' && dst.ip === undefined) return 'missing-endpoint';
  if (src.reserved === 'health' || dst.reserved === 'health') return 'cilium-health';

  const l4 = flow.l4;
  if (!l4 || typeof l4 !== 'object') return 'missing-l4';
  let protocol: Protocol;
  let sport: number | undefined;
  let dport: number | undefined;
  let icmpType: number | undefined;
  let syn = false;
  let ack = false;
  let hasFlags = false;
  const tcp = l4.TCP;
  if (tcp) {
    protocol = 'TCP';
    sport = port(tcp.source_port);
    dport = port(tcp.destination_port);
    const f = tcp.flags;
    if (f && typeof f === 'object') {
      hasFlags = true;
      syn = f.SYN === true;
      ack = f.ACK === true;
    }
  } else if (l4.UDP) {
    protocol = 'UDP';
    sport = port(l4.UDP.source_port);
    dport = port(l4.UDP.destination_port);
  } else if (l4.ICMPv4 || l4.ICMPv6) {
    protocol = 'ICMP';
    const t = (l4.ICMPv4 || l4.ICMPv6).type;
    icmpType = typeof t === 'number' ? t : 0;
  } else if (l4.SCTP) {
    protocol = 'SCTP';
    sport = port(l4.SCTP.source_port);
    dport = port(l4.SCTP.destination_port);
  } else {
    return 'unsupported-protocol';
  }
  if (dstIp !== undefined && isMulticastOrBroadcast(dstIp) && dst.kind !== 'pod') return 'unsupported-protocol';

  // Orientation: is the packet in the reply direction?
  const l7 = flow.l7 && typeof flow.l7 === 'object' ? flow.l7 : undefined;
  const traceReason = str(flow.trace_reason);
  let flipped: boolean;
  let basis: DirectionBasis;
  let confidence: 'high' | 'low' = 'high';
  if (flow.is_reply === true || flow.is_reply === false) {
    flipped = flow.is_reply;
    basis = 'is_reply';
  } else if (flow.reply === true || flow.reply === false) {
    flipped = flow.reply;
    basis = 'reply';
  } else if (syn) {
    flipped = ack;
    basis = 'tcp-flags';
  } else if (traceReason === 'REPLY' || traceReason === 'NEW') {
    flipped = traceReason === 'REPLY';
    basis = 'trace-reason';
  } else if (l7 && (l7.type === 'RESPONSE' || l7.type === 'REQUEST')) {
    flipped = l7.type === 'RESPONSE';
    basis = 'l7-type';
  } else if (protocol === 'ICMP' && (icmpType === 0 || icmpType === 129 || icmpType === 8 || icmpType === 128)) {
    flipped = icmpType === 0 || icmpType === 129;
    basis = 'icmp-type';
  } else {
    // The server port is the lower one (well-known or service port), the client's the ephemeral one.
    flipped = sport !== undefined && dport !== undefined && sport < dport;
    basis = 'port-heuristic';
    confidence = 'low';
  }
  if (flipped) {
    const t = src;
    src = dst;
    dst = t;
    const p = sport;
    sport = dport;
    dport = p;
  }
  if (protocol !== 'ICMP' && dport === undefined) return 'missing-port';
  if (dport === HEALTH_PORT && protocol === 'TCP' && dst.pod === undefined) return 'cilium-health';

  // Services: destination_service belongs to the packet destination; follow the flip.
  const svcRaw = flipped ? flow.source_service : flow.destination_service;
  if (svcRaw && str(svcRaw.name)) dst = { ...dst, service: { namespace: str(svcRaw.namespace), name: svcRaw.name } };

  const isL7 = flow.Type === 'L7' || l7 !== undefined;
  let newConnection: boolean;
  if (isL7) newConnection = false;
  else if (eventType === 5) newConnection = true;
  else if (hasFlags) newConnection = syn && !ack;
  else if (traceReason !== undefined) newConnection = traceReason === 'NEW';
  else if (protocol === 'TCP') newConnection = false;
  else newConnection = !flipped && (protocol !== 'ICMP' || icmpType === 8 || icmpType === 128);

  const verdict = verdictOf(verdictRaw);
  const time = str(flow.time) ?? (wrapper ? str(wrapper.time) : undefined);
  const direction = flow.traffic_direction;
  let l7Out: FlowRecord['l7'];
  if (l7) {
    const dns = l7.dns;
    const type = l7.type === 'REQUEST' || l7.type === 'RESPONSE' || l7.type === 'SAMPLE' ? l7.type : undefined;
    l7Out = {
      type,
      protocol: dns ? 'dns' : l7.http ? 'http' : l7.kafka ? 'kafka' : undefined,
      dnsQuery: dns ? str(dns.query) : undefined,
      dnsIps: dns && Array.isArray(dns.ips) ? dns.ips.filter((ip: unknown) => typeof ip === 'string') : undefined,
    };
  }

  return {
    format: 'hubble',
    line,
    time,
    timeMs: parseTimeMs(time),
    endTimeMs: undefined,
    src,
    dst,
    srcPort: sport,
    dstPort: protocol === 'ICMP' ? undefined : dport,
    protocol,
    icmpType,
    verdict,
    verdictReason: str(flow.drop_reason_desc),
    reporter: direction === 'EGRESS' ? 'src' : direction === 'INGRESS' ? 'dst' : 'unknown',
    observationPoint: isL7 ? 'proxy' : eventType === 5 ? 'policy-verdict' : str(flow.trace_observation_point),
    node: str(flow.node_name) ?? (wrapper ? str(wrapper.node_name) : undefined),
    flipped,
    directionBasis: basis,
    directionConfidence: confidence,
    newConnection,
    connections: newConnection ? 1 : 0,
    l7: l7Out,
  };
}

/** Classify and normalize one parsed Hubble JSON value (wrapper, bare flow, or a non-flow event). */
export function hubbleUnit(value: any, line: number, labelsCache: LabelCache): HubbleUnit {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'skip', reason: 'not-an-object' };
  const flow = value.flow;
  if (flow !== undefined) {
    if (flow === null || typeof flow !== 'object') return { kind: 'skip', reason: 'unrecognized-object' };
    const r = normalizeHubbleFlow(flow, value, line, labelsCache);
    return typeof r === 'string' ? { kind: 'skip', reason: r } : { kind: 'record', record: r };
  }
  if (value.lost_events !== undefined) {
    const raw = value.lost_events?.num_events_lost;
    const n = typeof raw === 'number' || typeof raw === 'string' ? Number(raw) : 0;
    return { kind: 'lost-events', lost: Number.isFinite(n) ? n : 0 };
  }
  if (value.node_status !== undefined) return { kind: 'event', event: 'node_status' };
  if (value.agent_event !== undefined) return { kind: 'event', event: 'agent_event' };
  if (value.debug_event !== undefined) return { kind: 'event', event: 'debug_event' };
  if (
    value.source !== undefined ||
    value.destination !== undefined ||
    value.IP !== undefined ||
    value.verdict !== undefined ||
    value.l4 !== undefined
  ) {
    const r = normalizeHubbleFlow(value, undefined, line, labelsCache);
    return typeof r === 'string' ? { kind: 'skip', reason: r } : { kind: 'record', record: r };
  }
  return { kind: 'skip', reason: 'unrecognized-object' };
}
