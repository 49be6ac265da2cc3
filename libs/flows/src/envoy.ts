// Istio/Envoy access logs: Istio's default TEXT format and its JSON encoding (`accessLogEncoding: JSON`).
// One line per HTTP request (or per TCP connection). Each request is logged by both sidecars: the
// client's (`outbound|<port>|<subset>|<service FQDN>`) and the server's (`inbound|<port>||`). Neither
// line names the calling pod, so both ends are addresses, found by pod IP through the inventory.
//
// - outbound: client = `downstream_remote_address` (the app beside the sidecar), server = `upstream_host`
//   (the chosen backend pod and its target port); the Service dialled is read from the cluster name.
// - inbound: client = `downstream_remote_address` (the caller), server = `downstream_local_address`.
// The two lines of one request meet on one edge, one per reporting side, and count once.
import type { FlowEndpoint, FlowRecord, Reporter, SkipReason, Verdict } from './model';
import { isIp, parseTimeMs } from './names';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON access log lines are read field by field, defensively */

/** The Envoy fields an edge is made of, whichever encoding they came from. */
export interface EnvoyAccessLogFields {
  readonly startTime?: string;
  readonly responseFlags?: string;
  readonly upstreamHost?: string;
  readonly upstreamCluster?: string;
  readonly downstreamLocalAddress?: string;
  readonly downstreamRemoteAddress?: string;
}

/** Response flags that mean the upstream refused or never answered the connection. */
const REFUSED_FLAGS = new Set(['UF', 'URX']);
const PASSTHROUGH = /^(PassthroughCluster|InboundPassthroughCluster(Ipv4|Ipv6)?)$/;

/** `10.44.1.27:80` or `[fd00::1]:80` -> address and port; undefined for `-` and anything else. */
export function splitAddress(text: string | undefined): { ip: string; port: number } | undefined {
  if (text === undefined || text === '-' || text === '') return undefined;
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) return undefined;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return undefined;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  const port = Number(portText);
  if (!isIp(host) || !/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return undefined;
  return { ip: host, port };
}

/** The Service an `outbound|8000||httpbin.foo.svc.cluster.local` cluster names. */
function dialledService(cluster: string): FlowEndpoint['service'] {
  const fqdn = cluster.split('|')[3];
  if (fqdn === undefined) return undefined;
  const [name, namespace, kind] = fqdn.split('.');
  if (kind !== 'svc' || !name || !namespace) return undefined;
  return { namespace, name };
}

/** Normalize one access log entry from its fields. */
export function normalizeEnvoyFields(fields: EnvoyAccessLogFields, line: number): FlowRecord | SkipReason {
  const cluster = fields.upstreamCluster;
  if (cluster === undefined || cluster === '-') return 'missing-endpoint';
  const caller = splitAddress(fields.downstreamRemoteAddress);
  if (caller === undefined) return 'missing-endpoint';
  const outbound = cluster.startsWith('outbound|') || cluster === 'PassthroughCluster' || cluster === 'BlackHoleCluster';
  const inbound = cluster.startsWith('inbound|') || (!outbound && PASSTHROUGH.test(cluster));
  if (!outbound && !inbound) return 'unrecognized-object';
  // The server: the backend the client's sidecar chose, else what it dialled; the server's own address inbound.
  const server = outbound
    ? (splitAddress(fields.upstreamHost) ?? splitAddress(fields.downstreamLocalAddress))
    : splitAddress(fields.downstreamLocalAddress);
  if (server === undefined) return 'missing-endpoint';
  if (isLoopback(caller.ip) || isLoopback(server.ip)) return 'loopback';

  const flags = fields.responseFlags === undefined || fields.responseFlags === '-' ? [] : fields.responseFlags.split(',');
  const refusedBy = cluster === 'BlackHoleCluster' ? 'BlackHoleCluster' : flags.find((f) => REFUSED_FLAGS.has(f));
  const verdict: Verdict = refusedBy !== undefined ? 'denied' : 'allowed';
  const service = cluster.startsWith('outbound|') ? dialledService(cluster) : undefined;
  const reporter: Reporter = outbound ? 'src' : 'dst';
  const timeMs = parseTimeMs(fields.startTime);
  return {
    format: 'envoy-access-log',
    line,
    time: fields.startTime,
    timeMs,
    endTimeMs: undefined,
    src: { kind: 'unknown', ip: caller.ip },
    dst: service === undefined ? { kind: 'unknown', ip: server.ip } : { kind: 'unknown', ip: server.ip, service },
    srcPort: caller.port,
    dstPort: server.port,
    protocol: 'TCP',
    icmpType: undefined,
    verdict,
    verdictReason: refusedBy,
    reporter,
    observationPoint: outbound ? 'outbound' : 'inbound',
    node: undefined,
    flipped: false,
    directionBasis: 'proxy-side',
    directionConfidence: 'high',
    newConnection: true,
    connections: 1,
    l7: undefined,
  };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

/**
 * Cut a TEXT access log line into its fields: `[bracketed]`, `"quoted"` (Envoy does not escape inside)
 * and bare words. Returns undefined when a bracket or quote is never closed.
 */
export function envoyTokens(text: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const close = c === 91 /* [ */ ? ']' : c === 34 /* " */ ? '"' : undefined;
    if (close !== undefined) {
      const end = text.indexOf(close, i + 1);
      if (end < 0) return undefined;
      tokens.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && text.charCodeAt(end) !== 32 && text.charCodeAt(end) !== 9) end++;
      tokens.push(text.slice(i, end));
      i = end;
    }
  }
  return tokens;
}

const CLUSTER_TOKEN = /^(outbound\||inbound\||PassthroughCluster$|BlackHoleCluster$|InboundPassthroughCluster)/;

/**
 * Normalize one line of Istio's default TEXT format. The upstream cluster is found by its shape, and
 * the addresses are read around it (`"UPSTREAM_HOST" UPSTREAM_CLUSTER UPSTREAM_LOCAL DOWNSTREAM_LOCAL
 * DOWNSTREAM_REMOTE`), so that versions whose format adds or drops a field before it read alike.
 */
export function normalizeEnvoyTextLine(text: string, line: number): FlowRecord | SkipReason {
  const tokens = envoyTokens(text);
  if (tokens === undefined || tokens.length < 8) return 'malformed-line';
  const at = tokens.findIndex((t, i) => i > 1 && CLUSTER_TOKEN.test(t));
  if (at < 0 || at + 3 >= tokens.length) return 'malformed-line';
  return normalizeEnvoyFields(
    {
      startTime: tokens[0],
      responseFlags: tokens[3],
      upstreamHost: tokens[at - 1],
      upstreamCluster: tokens[at],
      downstreamLocalAddress: tokens[at + 2],
      downstreamRemoteAddress: tokens[at + 3],
    },
    line,
  );
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Normalize one JSON access log entry (Istio's default JSON keys). */
export function normalizeEnvoyJson(entry: any, line: number): FlowRecord | SkipReason {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'not-an-object';
  if (entry.upstream_cluster === undefined && entry.downstream_remote_address === undefined) return 'unrecognized-object';
  return normalizeEnvoyFields(
    {
      startTime: text(entry.start_time),
      responseFlags: text(entry.response_flags),
      upstreamHost: text(entry.upstream_host),
      upstreamCluster: text(entry.upstream_cluster),
      downstreamLocalAddress: text(entry.downstream_local_address),
      downstreamRemoteAddress: text(entry.downstream_remote_address),
    },
    line,
  );
}
