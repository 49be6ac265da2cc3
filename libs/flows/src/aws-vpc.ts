// AWS VPC Flow Logs, versions 2 to 5: space-separated text. The default format (version 2, 14 fields)
// is read without a header; a custom format is read from its header line (`version srcaddr dstaddr ...`,
// as files delivered to S3 begin), which names the fields and their order. Rows before any header
// whose layout is not the default are skipped (`fields-unknown`).
//
// Records carry addresses only: both ends are found by pod IP through the inventory (on EKS with the
// VPC CNI pods have VPC addresses). `pkt-srcaddr`/`pkt-dstaddr` (v3+) are preferred: `srcaddr`/`dstaddr`
// show an interface's primary address for traffic to a pod's secondary one. Orientation: TCP flags
// (v3+: 2 SYN from the client, 18 SYN-ACK from the server), else the lower port is the server's.
import type { FlowRecord, Protocol, Reporter, SkipReason } from './model';
import { dateMs, isIp, isoFromMs } from './names';

/** The default (version 2) format, in order. */
export const AWS_VPC_DEFAULT_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

const PROTOCOLS: Record<string, Protocol> = { '6': 'TCP', '17': 'UDP', '132': 'SCTP', '1': 'ICMP', '58': 'ICMP' };
const SYN = 2;
const ACK = 16;

/** True for a header line: field names only (later versions add more), the addresses among them. */
export function isAwsVpcHeader(fields: readonly string[]): boolean {
  return (
    fields.length >= 4 &&
    fields.every((f) => /^[a-z][a-z0-9-]*$/.test(f)) &&
    fields.some((f) => f === 'srcaddr' || f === 'pkt-srcaddr') &&
    fields.some((f) => f === 'dstaddr' || f === 'pkt-dstaddr')
  );
}

/** True for a row of the default format: 14 fields, version 2, an action and a log status where they belong. */
export function isAwsVpcDefaultRow(fields: readonly string[]): boolean {
  return fields.length === 14 && fields[0] === '2' && /^(ACCEPT|REJECT|-)$/.test(fields[12]!) && /^(OK|NODATA|SKIPDATA)$/.test(fields[13]!);
}

/** Reads rows against the field layout in force; a header line changes it for the rows after it. */
export class AwsVpcRowReader {
  private columns: Map<string, number> | undefined;

  /** A record, a skip reason, or null for a header line (which is no flow but is well formed). */
  read(text: string, line: number): FlowRecord | SkipReason | null {
    const fields = text.trim().split(/\s+/);
    if (isAwsVpcHeader(fields)) {
      this.columns = new Map(fields.map((f, i) => [f, i]));
      return null;
    }
    const columns = this.columns ?? (isAwsVpcDefaultRow(fields) ? DEFAULT_COLUMNS : undefined);
    if (columns === undefined) return 'fields-unknown';
    if (fields.length !== columns.size) return 'malformed-line';
    return normalizeAwsVpcRow((name) => {
      const i = columns.get(name);
      const v = i === undefined ? undefined : fields[i];
      return v === undefined || v === '-' ? undefined : v;
    }, line);
  }
}

const DEFAULT_COLUMNS = new Map<string, number>(AWS_VPC_DEFAULT_FIELDS.map((f, i) => [f, i]));

function portOf(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d{1,5}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** Normalize one row, given its fields by name (`-` and absent fields are undefined). */
export function normalizeAwsVpcRow(field: (name: string) => string | undefined, line: number): FlowRecord | SkipReason {
  const status = field('log-status');
  if (status === 'NODATA' || status === 'SKIPDATA') return 'no-data';
  const packetSrc = field('pkt-srcaddr') ?? field('srcaddr');
  const packetDst = field('pkt-dstaddr') ?? field('dstaddr');
  if (packetSrc === undefined || packetDst === undefined) return 'missing-endpoint';
  if (!isIp(packetSrc) || !isIp(packetDst)) return 'invalid-endpoint';
  const protocolNumber = field('protocol');
  const protocol = protocolNumber === undefined ? undefined : PROTOCOLS[protocolNumber];
  if (protocol === undefined) return 'unsupported-protocol';
  const packetSrcPort = protocol === 'ICMP' ? undefined : portOf(field('srcport'));
  const packetDstPort = protocol === 'ICMP' ? undefined : portOf(field('dstport'));
  if (protocol !== 'ICMP' && (packetSrcPort === undefined || packetDstPort === undefined)) return 'missing-port';

  const flagsText = field('tcp-flags');
  const flags = flagsText !== undefined && /^\d+$/.test(flagsText) ? Number(flagsText) : undefined;
  const syn = flags !== undefined && (flags & SYN) !== 0;
  let flipped: boolean;
  let basis: FlowRecord['directionBasis'];
  let confidence: 'high' | 'low' = 'high';
  if (protocol === 'TCP' && syn) {
    flipped = (flags & ACK) !== 0;
    basis = 'tcp-flags';
  } else {
    // The server port is the lower one (well-known or service port), the client's the ephemeral one.
    flipped = packetSrcPort !== undefined && packetDstPort !== undefined && packetSrcPort < packetDstPort;
    basis = 'port-heuristic';
    confidence = 'low';
  }
  const [clientIp, serverIp] = flipped ? [packetDst, packetSrc] : [packetSrc, packetDst];
  const [clientPort, serverPort] = flipped ? [packetDstPort, packetSrcPort] : [packetSrcPort, packetDstPort];

  // The interface that logged the row sends (egress) or receives (ingress) the packets.
  const direction = field('flow-direction');
  let reporter: Reporter = 'unknown';
  if (direction === 'egress') reporter = flipped ? 'dst' : 'src';
  else if (direction === 'ingress') reporter = flipped ? 'src' : 'dst';

  // A TCP start is a SYN without ACK; without flags (version 2), a row in the client's direction.
  const newConnection = protocol === 'TCP' && flags !== undefined ? syn && !flipped : !flipped;
  const startSeconds = field('start');
  const endSeconds = field('end');
  const timeMs = startSeconds !== undefined && /^\d+$/.test(startSeconds) ? dateMs(Number(startSeconds) * 1000) : undefined;
  const endTimeMs = endSeconds !== undefined && /^\d+$/.test(endSeconds) ? Number(endSeconds) * 1000 : undefined;
  const action = field('action');
  return {
    format: 'aws-vpc-flow-log',
    line,
    time: timeMs === undefined ? undefined : isoFromMs(timeMs),
    timeMs,
    endTimeMs,
    src: { kind: 'unknown', ip: clientIp },
    dst: { kind: 'unknown', ip: serverIp },
    srcPort: clientPort,
    dstPort: serverPort,
    protocol,
    icmpType: undefined,
    verdict: action === 'ACCEPT' ? 'allowed' : action === 'REJECT' ? 'denied' : 'unknown',
    verdictReason: action === 'REJECT' ? 'REJECT (security group or network ACL)' : undefined,
    reporter,
    observationPoint: field('interface-id'),
    node: field('instance-id'),
    flipped,
    directionBasis: basis,
    directionConfidence: confidence,
    newConnection,
    connections: newConnection ? 1 : 0,
    l7: undefined,
  };
}
