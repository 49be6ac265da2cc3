// The plain edge list of the spec: `[{"from":"orders/orders-api","to":"payments/payments-api","port":8080,"protocol":"TCP"}]`
// (or one such object per line). `from`/`to` are `namespace/workload`, `namespace/pod`, an IP or CIDR
// (outside the cluster), a DNS name, `reserved:<identity>`, or an endpoint key (`workload:ns/name`,
// `external:...`), so exported edges can be read back.
import type { FlowEndpoint, FlowRecord, ReservedIdentity, SkipReason, Verdict } from './model';
import { calicoProtocol } from './calico';
import { isCidr, isIp, parseTimeMs } from './names';

/* eslint-disable @typescript-eslint/no-explicit-any -- edge list documents are read field by field, defensively */

const RESERVED = new Set<string>(['host', 'remote-node', 'kube-apiserver', 'health', 'ingress', 'init', 'unmanaged', 'encrypted-overlay']);
const DNS_NAME = /^(?=.{1,253}$)([a-zA-Z0-9_]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z][a-zA-Z0-9-]{0,62}\.?$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Parse an edge list endpoint text. Returns undefined when it is not understood. */
export function parseEdgeListEndpoint(text: unknown): FlowEndpoint | undefined {
  if (typeof text !== 'string') return undefined;
  let s = text.trim();
  if (s === '') return undefined;
  if (s.startsWith('workload:')) s = s.slice('workload:'.length);
  else if (s.startsWith('external:')) {
    const rest = s.slice('external:'.length);
    return externalEndpoint(rest) ?? (rest ? { kind: 'external', networkSet: rest } : undefined);
  } else if (s.startsWith('reserved:')) {
    const name = s.slice('reserved:'.length);
    if (name === 'world') return { kind: 'external', cidr: '0.0.0.0/0' };
    return RESERVED.has(name) ? { kind: 'reserved', reserved: name as ReservedIdentity } : undefined;
  }
  const ext = externalEndpoint(s);
  if (ext) return ext;
  const slash = s.indexOf('/');
  if (slash > 0 && slash === s.lastIndexOf('/')) {
    const namespace = s.slice(0, slash);
    const name = s.slice(slash + 1);
    if (K8S_NAME.test(namespace) && K8S_NAME.test(name)) return { kind: 'workload', namespace, workload: { name } };
  }
  return undefined;
}

function externalEndpoint(s: string): FlowEndpoint | undefined {
  if (isIp(s)) return { kind: 'external', ip: s };
  if (isCidr(s)) {
    const slash = s.indexOf('/');
    const bits = Number(s.slice(slash + 1));
    const ip = s.slice(0, slash);
    if ((ip.includes(':') && bits === 128) || (!ip.includes(':') && bits === 32)) return { kind: 'external', ip };
    return { kind: 'external', cidr: s };
  }
  if (!s.includes('/') && DNS_NAME.test(s)) return { kind: 'external', dnsNames: [s.toLowerCase().replace(/\.$/, '')] };
  return undefined;
}

function verdictOf(v: unknown): Verdict {
  if (typeof v !== 'string') return 'unknown';
  const s = v.toLowerCase();
  if (s === 'allowed' || s === 'allow' || s === 'forwarded') return 'allowed';
  if (s === 'denied' || s === 'deny' || s === 'dropped') return 'denied';
  if (s === 'audit') return 'audit';
  return 'unknown';
}

/** Normalize one edge list object. */
export function normalizeEdgeListItem(item: any, line: number): FlowRecord | SkipReason {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return 'not-an-object';
  if (item.from === undefined && item.to === undefined) return 'unrecognized-object';
  const src = parseEdgeListEndpoint(item.from);
  const dst = parseEdgeListEndpoint(item.to);
  if (src === undefined || dst === undefined) return 'invalid-endpoint';
  const protocol = item.protocol === undefined ? 'TCP' : calicoProtocol(item.protocol);
  if (protocol === undefined) return 'unsupported-protocol';
  const port =
    typeof item.port === 'number' ? item.port : typeof item.port === 'string' && item.port !== '' ? Number(item.port) : undefined;
  if (protocol !== 'ICMP' && (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)) return 'missing-port';
  const rawCount = typeof item.count === 'number' ? item.count : typeof item.connections === 'number' ? item.connections : 1;
  const count = Number.isFinite(rawCount) ? Math.max(0, Math.floor(rawCount)) : 1;
  const time = typeof item.time === 'string' ? item.time : typeof item.firstSeen === 'string' ? item.firstSeen : undefined;
  const lastSeen = typeof item.lastSeen === 'string' ? parseTimeMs(item.lastSeen) : undefined;
  return {
    format: 'edge-list',
    line,
    time,
    timeMs: parseTimeMs(time),
    endTimeMs: lastSeen,
    src,
    dst,
    srcPort: undefined,
    dstPort: protocol === 'ICMP' ? undefined : port,
    protocol,
    icmpType: undefined,
    verdict: verdictOf(item.verdict),
    verdictReason: undefined,
    reporter: 'unknown',
    observationPoint: undefined,
    node: undefined,
    flipped: false,
    directionBasis: 'connection-oriented',
    directionConfidence: 'high',
    newConnection: count > 0,
    connections: count,
    l7: undefined,
  };
}
