// Calico Enterprise / Cloud flow logs: JSON (flows.log lines or pretty-printed Elasticsearch documents)
// and the legacy space-delimited line. Records are already connection-oriented (src is the initiator);
// `reporter` says who saw it. `-` and null mean absent; `*_name_aggr` carries the workload prefix.
import { calicoLabels, type LabelCache, type ParsedLabels } from './labels';
import type { FlowEndpoint, FlowRecord, Protocol, Reporter, SkipReason, Verdict } from './model';
import { dateMs, isIp, isoFromMs, workloadFromAggregatedName } from './names';

/* eslint-disable @typescript-eslint/no-explicit-any -- flow log documents are read field by field, defensively */

function present(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  return s === '' || s === '-' ? undefined : s;
}

function num(v: unknown): number | undefined {
  if (typeof v !== 'number' && (typeof v !== 'string' || v === '' || v === '-')) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Unix seconds within the range a Date can hold (and after 1970). */
function seconds(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n >= 0 && n < 8.64e12 ? n : undefined;
}

/** A port number 1..65535 from a number or numeric text; anything else is absent. */
function portOf(v: unknown): number | undefined {
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

const PROTO_NUMBERS: Record<string, Protocol> = { '6': 'TCP', '17': 'UDP', '1': 'ICMP', '58': 'ICMP', '132': 'SCTP' };

export function calicoProtocol(v: unknown): Protocol | undefined {
  const s = present(v);
  if (s === undefined) return undefined;
  const upper = s.toUpperCase();
  if (upper === 'TCP' || upper === 'UDP' || upper === 'SCTP') return upper;
  if (upper === 'ICMP' || upper === 'ICMPV6' || upper === 'ICMP6') return 'ICMP';
  return PROTO_NUMBERS[s];
}

export function calicoReporter(v: unknown): Reporter {
  const s = present(v)?.toLowerCase();
  if (s === undefined) return 'unknown';
  // "dst, fwd" is printed in the docs: the endpoint report wins over the transit one.
  const parts = s.split(/[\s,]+/);
  if (parts.includes('src') || parts.includes('out')) return 'src';
  if (parts.includes('dst') || parts.includes('in')) return 'dst';
  if (parts.includes('fwd')) return 'fwd';
  return 'unknown';
}

function calicoVerdict(v: unknown): Verdict {
  const s = present(v)?.toLowerCase();
  if (s === 'allow') return 'allowed';
  if (s === 'deny') return 'denied';
  return 'unknown';
}

interface CalicoSide {
  type?: string;
  namespace?: string;
  name?: string;
  nameAggr?: string;
  labels: ParsedLabels;
  ip?: string;
  domains?: string[];
}

function calicoEndpoint(side: CalicoSide): FlowEndpoint {
  const type = side.type?.toLowerCase();
  const ip = side.ip !== undefined && isIp(side.ip) ? side.ip : undefined;
  const labels = side.labels.podCount > 0 ? side.labels.pod : undefined;
  const dnsNames = side.domains && side.domains.length > 0 ? side.domains : undefined;
  if (type === 'hep') return { kind: 'reserved', reserved: 'host', ip, namespace: side.namespace };
  if (type === 'ns' || type === 'net') {
    // A NetworkSet name, or the pub/pvt bucket Calico aggregates unknown IPs into.
    const networkSet = side.nameAggr ?? side.name;
    return {
      kind: 'external',
      ip,
      dnsNames,
      networkSet: networkSet === undefined ? undefined : side.namespace ? `${side.namespace}/${networkSet}` : networkSet,
      labels,
    };
  }
  const pod = side.name !== undefined && !side.name.endsWith('*') ? side.name : undefined;
  const workloadName =
    side.nameAggr !== undefined
      ? workloadFromAggregatedName(side.nameAggr)
      : side.name?.endsWith('*')
        ? workloadFromAggregatedName(side.name)
        : undefined;
  if (side.namespace === undefined) {
    if (ip !== undefined) return { kind: 'unknown', ip, pod, labels };
    return { kind: 'unknown', pod, labels, workload: workloadName ? { name: workloadName } : undefined };
  }
  return {
    kind: pod !== undefined ? 'pod' : 'workload',
    namespace: side.namespace,
    pod,
    workload: workloadName ? { name: workloadName } : undefined,
    labels,
    ip,
    dnsNames,
  };
}

function buildRecord(
  format: 'calico-json' | 'calico-legacy',
  line: number,
  src: FlowEndpoint,
  dst: FlowEndpoint,
  fields: {
    proto?: Protocol;
    dstPort?: number;
    srcPort?: number;
    start?: number;
    end?: number;
    action: unknown;
    reporter: unknown;
    started?: number;
    flows?: number;
    host?: string;
  },
): FlowRecord | SkipReason {
  if (fields.proto === undefined) return 'unsupported-protocol';
  if (fields.proto !== 'ICMP' && fields.dstPort === undefined) return 'missing-port';
  if (
    (src.kind === 'unknown' && src.ip === undefined && src.workload === undefined) ||
    (dst.kind === 'unknown' && dst.ip === undefined && dst.workload === undefined)
  ) {
    return 'missing-endpoint';
  }
  const timeMs = fields.start !== undefined ? dateMs(fields.start * 1000) : undefined;
  const connections = Math.max(0, Math.floor(fields.started ?? fields.flows ?? 1));
  return {
    format,
    line,
    time: timeMs !== undefined ? isoFromMs(timeMs) : undefined,
    timeMs,
    endTimeMs: fields.end !== undefined ? fields.end * 1000 : undefined,
    src,
    dst,
    srcPort: fields.srcPort,
    dstPort: fields.proto === 'ICMP' ? undefined : fields.dstPort,
    protocol: fields.proto,
    icmpType: undefined,
    verdict: calicoVerdict(fields.action),
    verdictReason: present(fields.action),
    reporter: calicoReporter(fields.reporter),
    observationPoint: present(fields.reporter),
    node: fields.host,
    flipped: false,
    directionBasis: 'connection-oriented',
    directionConfidence: 'high',
    newConnection: connections > 0,
    connections,
    l7: undefined,
  };
}

/** Normalize one Calico flow log JSON document. */
export function normalizeCalicoDocument(doc: any, line: number, labelsCache: LabelCache): FlowRecord | SkipReason {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return 'not-an-object';
  if (
    doc.source_namespace === undefined &&
    doc.dest_namespace === undefined &&
    doc.source_name_aggr === undefined &&
    doc.dest_name_aggr === undefined
  ) {
    return 'unrecognized-object';
  }
  const domains = Array.isArray(doc.dest_domains)
    ? doc.dest_domains.filter((d: unknown) => typeof d === 'string' && d !== '-' && d !== '')
    : undefined;
  const src = calicoEndpoint({
    type: present(doc.source_type),
    namespace: present(doc.source_namespace),
    name: present(doc.source_name),
    nameAggr: present(doc.source_name_aggr),
    labels: calicoLabels(doc.source_labels, labelsCache),
    ip: present(doc.source_ip),
  });
  let dst = calicoEndpoint({
    type: present(doc.dest_type),
    namespace: present(doc.dest_namespace),
    name: present(doc.dest_name),
    nameAggr: present(doc.dest_name_aggr),
    labels: calicoLabels(doc.dest_labels, labelsCache),
    ip: present(doc.dest_ip),
    domains,
  });
  const svcName = present(doc.dest_service_name);
  if (svcName !== undefined) dst = { ...dst, service: { namespace: present(doc.dest_service_namespace), name: svcName } };
  return buildRecord('calico-json', line, src, dst, {
    proto: calicoProtocol(doc.proto ?? doc.protocol),
    dstPort: portOf(doc.dest_port),
    srcPort: portOf(doc.source_port),
    start: seconds(doc.start_time),
    end: seconds(doc.end_time),
    action: doc.action,
    reporter: doc.reporter,
    started: num(doc.num_flows_started),
    flows: num(doc.num_flows),
    host: present(doc.host),
  });
}

/** Column order of the legacy space-delimited flow log (tigera docs, filtering.mdx). */
export const CALICO_LEGACY_COLUMNS = [
  'startTime',
  'endTime',
  'srcType',
  'srcNamespace',
  'srcName',
  'srcLabels',
  'dstType',
  'dstNamespace',
  'dstName',
  'dstLabels',
  'srcIP',
  'dstIP',
  'proto',
  'srcPort',
  'dstPort',
  'numFlows',
  'numFlowsStarted',
  'numFlowsCompleted',
  'reporter',
  'packetsIn',
  'packetsOut',
  'bytesIn',
  'bytesOut',
  'action',
] as const;

/** Normalize one legacy space-delimited line. Returns null for the header line. */
export function normalizeCalicoLegacyLine(text: string, line: number, labelsCache: LabelCache): FlowRecord | SkipReason | null {
  const f = text.trim().split(/\s+/);
  if (f[0] === 'startTime') return null;
  if (f.length !== CALICO_LEGACY_COLUMNS.length) return 'malformed-line';
  const start = seconds(f[0]);
  if (start === undefined) return 'malformed-line';
  const src = calicoEndpoint({
    type: present(f[2]),
    namespace: present(f[3]),
    nameAggr: present(f[4]),
    labels: calicoLabels(present(f[5]), labelsCache),
    ip: present(f[10]),
  });
  const dst = calicoEndpoint({
    type: present(f[6]),
    namespace: present(f[7]),
    nameAggr: present(f[8]),
    labels: calicoLabels(present(f[9]), labelsCache),
    ip: present(f[11]),
  });
  return buildRecord('calico-legacy', line, src, dst, {
    proto: calicoProtocol(f[12]),
    srcPort: portOf(f[13]),
    dstPort: portOf(f[14]),
    start,
    end: seconds(f[1]),
    flows: num(f[15]),
    started: num(f[16]),
    reporter: f[18],
    action: f[23],
  });
}
