// Aggregation of normalized records into dependency edges keyed by (src endpoint, dst endpoint,
// protocol, port). One connection is counted once even when several observation points or both
// nodes report it: packet-level starts (Hubble) are de-duplicated by 5-tuple within a time window in
// bounded memory, then, like pre-aggregated Calico reports, summed per reporting side (src, dst, fwd,
// unknown), and the largest side counts.
//
// Only traffic that went through makes an edge. A refused attempt (Hubble DROPPED or ERROR, Calico deny)
// is no dependency: it is kept apart, bounded, as a blocked attempt with its reasons, for a person to
// declare if it is wanted.
import {
  ATTRIBUTION_METHODS,
  Attributor,
  type Attribution,
  type AttributionMethod,
  type AttributorOptions,
  type UnattributedReason,
} from './attribution';
import type { EdgeEndpoint } from './endpoint';
import { InventoryIndex, type InventoryIndexInput } from './inventory';
import type { FlowFormat, FlowRecord, Protocol, Reporter, Verdict } from './model';
import { isoFromMs } from './names';

export interface DependencyEdge {
  /** `<srcKey>|<dstKey>|<protocol>|<port>` (port empty for ICMP). Stable; the database key of the edge. */
  readonly key: string;
  readonly src: EdgeEndpoint;
  readonly dst: EdgeEndpoint;
  /** Destination (server) port; null for ICMP. */
  readonly port: number | null;
  readonly protocol: Protocol;
  /** Distinct connections (starts seen, de-duplicated across observation points and reporters). */
  readonly connections: number;
  /**
   * The connection starts behind `connections`, per reporting side (after 5-tuple de-duplication), and
   * those an edge list states (`listed`): connections = listed + the largest side. A live collector adds
   * these up per hour, so that batches and restarts change nothing.
   */
  readonly starts: Readonly<ConnectionStarts>;
  /** Records that contributed (packets/events for Hubble, reports for Calico, rows for edge lists). */
  readonly observations: number;
  /** ISO 8601 (millisecond precision), null when no record carried a time. */
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Observations per verdict (refused ones are blocked attempts, never part of an edge). */
  readonly verdicts: Readonly<Record<ForwardedVerdict, number>>;
  /** Summary: `audit` if any observation would have been dropped by a policy in audit mode, else `allowed`, else `unknown`. */
  readonly verdict: ForwardedVerdict;
  readonly formats: readonly FlowFormat[];
  readonly reporters: readonly Reporter[];
  /** `low` when every observation was oriented by the port heuristic alone. */
  readonly directionConfidence: 'high' | 'low';
  /** How the two ends were attributed (union over observations). */
  readonly attribution: readonly AttributionMethod[];
  /**
   * For a destination known by DNS name, the Kubernetes API server, or a node: the IP addresses it was
   * reached at (sorted, at most MAX_ADDRESSES), so that a policy can name it by ipBlock.
   */
  readonly dstAddresses: readonly string[];
  /** True when every record behind the edge declared it (Otterize intents, advised policies) and none observed it. */
  readonly declared: boolean;
}

/** Connection starts per reporting side, and those an edge list states. */
export interface ConnectionStarts {
  src: number;
  dst: number;
  fwd: number;
  unknown: number;
  listed: number;
}

/** What the starts add up to: every listed connection, and the largest reporting side (a connection seen from both ends counts once). */
export function connectionsOfStarts(starts: Readonly<ConnectionStarts>): number {
  return starts.listed + Math.max(starts.src, starts.dst, starts.fwd, starts.unknown);
}

/** The verdicts of traffic that went through. */
export type ForwardedVerdict = Exclude<Verdict, 'denied'>;

/** Connection attempts a policy (or an error) refused, between two attributed ends, on one port. */
export interface BlockedAttempt {
  /** `<srcKey>|<dstKey>|<protocol>|<port>`, as an edge's. */
  readonly key: string;
  readonly src: EdgeEndpoint;
  readonly dst: EdgeEndpoint;
  readonly port: number | null;
  readonly protocol: Protocol;
  /** Refused records (packets or reports). */
  readonly attempts: number;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Why, as the source said (Hubble `drop_reason_desc`, Calico `deny`), sorted, at most MAX_REASONS. */
  readonly reasons: readonly string[];
  readonly formats: readonly FlowFormat[];
}

/** Reasons kept per blocked attempt. */
export const MAX_REASONS = 8;

/** Addresses kept per DNS-named external destination. */
export const MAX_ADDRESSES = 16;

export interface EdgeAggregatorOptions extends AttributorOptions {
  /** Two starts of the same 5-tuple closer than this are one connection (default 30 s). */
  readonly dedupeWindowMs?: number;
  /** Upper bound on remembered 5-tuples (default 200 000; about 30 MB). */
  readonly maxDedupeEntries?: number;
  /** Distinct unattributed endpoints remembered for the UI (default 50). */
  readonly maxUnattributedSamples?: number;
  /** IP -> name pairs remembered from DNS answers (Hubble L7 DNS), to name external IPs seen later (default 50 000). */
  readonly maxDnsAnswers?: number;
  /** Distinct blocked attempts kept (default 10 000); refused records beyond are only counted. */
  readonly maxBlockedAttempts?: number;
  /** Called with each record an end of which could not be attributed (the first such end), e.g. to keep it for later. */
  readonly onUnattributed?: (record: FlowRecord, reason: UnattributedReason) => void;
}

export interface UnattributedSample {
  readonly end: 'src' | 'dst';
  readonly reason: UnattributedReason;
  readonly hint: string;
  readonly count: number;
}

export interface AggregatorStats {
  /** Records given to `add`. */
  records: number;
  /** Records whose two ends were attributed and counted into an edge (refused ones are not). */
  attributed: number;
  /** Records dropped because an end could not be attributed. */
  unattributed: number;
  /** Refused records (dropped, denied, errors) with both ends attributed: blocked attempts, not edges. */
  refused: number;
  /** Distinct blocked attempts, and refused records not kept because the bound was reached. */
  blockedAttempts: number;
  blockedAttemptsDropped: number;
  /** Per `src:<reason>` / `dst:<reason>`; a record with both ends unattributed is counted under its src. */
  unattributedByReason: Record<string, number>;
  /** The most frequent unattributed endpoints (bounded). */
  unattributedSamples: UnattributedSample[];
  edges: number;
  connections: number;
  /** Connection starts not counted because the same 5-tuple had already been counted in the window. */
  duplicateStartsSuppressed: number;
}

const FORMATS: readonly FlowFormat[] = [
  'hubble',
  'calico-json',
  'calico-legacy',
  'edge-list',
  'envoy-access-log',
  'aws-vpc-flow-log',
  'ig-trace-tcp',
  'otterize-intents',
  'ig-advise-networkpolicy',
];
const REPORTERS: readonly Reporter[] = ['src', 'dst', 'fwd', 'unknown'];
const PROTO_INDEX: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2, ICMP: 3 };
const METHOD_BIT = new Map<AttributionMethod, number>(ATTRIBUTION_METHODS.map((m, i) => [m, 1 << i]));

interface EdgeAcc {
  key: string;
  src: EdgeEndpoint;
  dst: EdgeEndpoint;
  port: number | null;
  protocol: Protocol;
  observations: number;
  /** additive counts (edge lists) */
  connOther: number;
  /** starts per reporter side (Hubble after 5-tuple de-duplication, Calico reports): the max is taken */
  connSrc: number;
  connDst: number;
  connFwd: number;
  connUnk: number;
  firstMs: number;
  lastMs: number;
  allowed: number;
  audit: number;
  unknown: number;
  formats: number;
  reporters: number;
  highConfidence: boolean;
  methods: number;
  /** Records that observed traffic (not declared). */
  observedRecords: number;
  /** IPs of a DNS-named external destination; created on first use. */
  addresses?: Set<string>;
}

interface BlockedAcc {
  key: string;
  src: EdgeEndpoint;
  dst: EdgeEndpoint;
  port: number | null;
  protocol: Protocol;
  attempts: number;
  firstMs: number;
  lastMs: number;
  reasons: Set<string>;
  formats: number;
  /** True once a destination-side report refused it (Calico `reporter: dst`). */
  refusedAtDestination: boolean;
}

/** Remembers recent 5-tuples in two generations, so memory stays bounded without a clock. */
class StartDeduper {
  private cur = new Map<string, number>();
  private prev = new Map<string, number>();
  private genStart = Number.NaN;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  /** True when the start is new (and remembers it); false for a duplicate within the window. */
  admit(key: string, t: number | undefined): boolean {
    const time = t ?? Number.NaN;
    let seen = this.cur.get(key);
    if (seen === undefined) seen = this.prev.get(key);
    if (seen !== undefined && (Number.isNaN(time) || Number.isNaN(seen) || Math.abs(time - seen) <= this.windowMs)) return false;
    if (Number.isNaN(this.genStart)) this.genStart = time;
    if (this.cur.size >= this.maxEntries / 2 || (!Number.isNaN(time) && time - this.genStart > this.windowMs)) {
      this.prev = this.cur;
      this.cur = new Map();
      this.genStart = time;
    }
    this.cur.set(key, time);
    return true;
  }
}

/**
 * Turns records into dependency edges. Construct with an inventory index (or its input), `add` each
 * record (e.g. as the reader's `onRecord`), then read `edges()` (sorted by key) and `stats()`.
 */
export class EdgeAggregator {
  private readonly attributor: Attributor;
  private readonly deduper: StartDeduper;
  /** src endpoint -> dst endpoint -> protocol/port slot -> edge; endpoints are interned objects. */
  private readonly bySrc = new Map<EdgeEndpoint, Map<EdgeEndpoint, Map<number, EdgeAcc>>>();
  private readonly s = {
    records: 0,
    attributed: 0,
    unattributed: 0,
    refused: 0,
    blockedAttemptsDropped: 0,
    duplicateStartsSuppressed: 0,
  };
  private readonly blocked = new Map<string, BlockedAcc>();
  private readonly maxBlocked: number;
  private readonly unattributedByReason: Record<string, number> = {};
  private readonly samples = new Map<string, { end: 'src' | 'dst'; reason: UnattributedReason; hint: string; count: number }>();
  private readonly maxSamples: number;
  /** External IP -> DNS name, harvested from DNS answers seen so far (bounded). */
  private readonly dnsByIp = new Map<string, string>();
  private readonly maxDns: number;
  private readonly onUnattributed: EdgeAggregatorOptions['onUnattributed'];

  constructor(index: InventoryIndex | InventoryIndexInput, options: EdgeAggregatorOptions = {}) {
    this.attributor = new Attributor(index instanceof InventoryIndex ? index : InventoryIndex.from(index), options);
    this.deduper = new StartDeduper(options.dedupeWindowMs ?? 30_000, options.maxDedupeEntries ?? 200_000);
    this.maxSamples = options.maxUnattributedSamples ?? 50;
    this.maxDns = options.maxDnsAnswers ?? 50_000;
    this.maxBlocked = options.maxBlockedAttempts ?? 10_000;
    this.onUnattributed = options.onUnattributed;
  }

  /** Count one record. Returns true when it landed in an edge, false when an end was unattributed or it was refused. */
  add(record: FlowRecord): boolean {
    this.s.records++;
    const l7 = record.l7;
    if (l7 !== undefined && l7.dnsIps !== undefined && l7.dnsQuery) this.learnDns(l7.dnsQuery, l7.dnsIps);
    const a = this.attributor.attribute(this.dnsByIp.size > 0 ? this.named(record.src) : record.src, record.node);
    if (!a.ok) return this.miss(record, 'src', a.reason, a.hint);
    const b = this.attributor.attribute(this.dnsByIp.size > 0 ? this.named(record.dst) : record.dst, record.node);
    if (!b.ok) return this.miss(record, 'dst', b.reason, b.hint);
    if (record.verdict === 'denied') {
      this.refuse(record, a.endpoint, b.endpoint);
      return false;
    }
    if (record.portFromInventory) {
      // the source named no port: one edge per port the destination workload serves
      const ports = b.endpoint.kind === 'workload' ? this.attributor.index.workloadPorts(b.endpoint.namespace, b.endpoint.name) : [];
      if (ports.length === 0) return this.miss(record, 'dst', 'ports-not-in-inventory', b.endpoint.key);
      this.s.attributed++;
      for (const served of ports) this.count(a, b, record, served.port, served.protocol);
      return true;
    }
    this.s.attributed++;
    this.count(a, b, record, record.dstPort ?? null, record.protocol);
    return true;
  }

  /**
   * A record already counted before (a live collector resuming from its checkpoint replays the flows
   * just before it): learns from it what `add` would have (DNS answers, connection starts to
   * de-duplicate against), and counts nothing.
   */
  remember(record: FlowRecord): void {
    const l7 = record.l7;
    if (l7 !== undefined && l7.dnsIps !== undefined && l7.dnsQuery) this.learnDns(l7.dnsQuery, l7.dnsIps);
    if (!record.newConnection || record.connections <= 0 || record.format !== 'hubble' || record.verdict === 'denied') return;
    const a = this.attributor.attribute(this.dnsByIp.size > 0 ? this.named(record.src) : record.src, record.node);
    const b = a.ok ? this.attributor.attribute(this.dnsByIp.size > 0 ? this.named(record.dst) : record.dst, record.node) : a;
    if (a.ok && b.ok) this.admitStart(record);
  }

  /**
   * The edges counted since the last drain (sorted by key), and forgets them: what a live collector
   * writes as one batch. What makes counting exact across batches stays (recent connection starts,
   * DNS answers, attribution caches).
   */
  drain(): DependencyEdge[] {
    const drained = this.edges();
    this.bySrc.clear();
    return drained;
  }

  private count(
    a: Attribution & { ok: true },
    b: Attribution & { ok: true },
    record: FlowRecord,
    port: number | null,
    protocol: Protocol,
  ): void {
    const slot = PROTO_INDEX[protocol] * 65537 + (port ?? 65536);
    let byDst = this.bySrc.get(a.endpoint);
    if (byDst === undefined) {
      byDst = new Map();
      this.bySrc.set(a.endpoint, byDst);
    }
    let bySlot = byDst.get(b.endpoint);
    if (bySlot === undefined) {
      bySlot = new Map();
      byDst.set(b.endpoint, bySlot);
    }
    let e = bySlot.get(slot);
    if (e === undefined) {
      e = {
        key: `${a.endpoint.key}|${b.endpoint.key}|${protocol}|${port ?? ''}`,
        src: a.endpoint,
        dst: b.endpoint,
        port,
        protocol,
        observations: 0,
        connOther: 0,
        connSrc: 0,
        connDst: 0,
        connFwd: 0,
        connUnk: 0,
        firstMs: Number.POSITIVE_INFINITY,
        lastMs: Number.NEGATIVE_INFINITY,
        allowed: 0,
        audit: 0,
        unknown: 0,
        formats: 0,
        reporters: 0,
        highConfidence: false,
        methods: 0,
        observedRecords: 0,
      };
      bySlot.set(slot, e);
    }

    e.observations++;
    if (!record.declared) e.observedRecords++;
    const t = record.timeMs;
    if (t !== undefined) {
      if (t < e.firstMs) e.firstMs = t;
      const end = record.endTimeMs ?? t;
      if (end > e.lastMs) e.lastMs = end;
    }
    switch (record.verdict) {
      case 'allowed':
        e.allowed++;
        break;
      case 'audit':
        e.audit++;
        break;
      default:
        e.unknown++;
    }
    e.formats |= 1 << FORMATS.indexOf(record.format);
    e.reporters |= 1 << REPORTERS.indexOf(record.reporter);
    if (record.directionConfidence === 'high') e.highConfidence = true;
    e.methods |= METHOD_BIT.get(a.method)! | METHOD_BIT.get(b.method)!;

    const ip = record.dst.ip;
    if (
      ip !== undefined &&
      ((b.endpoint.kind === 'external' && b.endpoint.via === 'dns') ||
        (b.endpoint.kind === 'reserved' && b.endpoint.name === 'kube-apiserver') ||
        b.endpoint.kind === 'node')
    ) {
      e.addresses ??= new Set();
      if (e.addresses.size < MAX_ADDRESSES) e.addresses.add(ip);
    }

    if (record.newConnection && record.connections > 0) this.countStart(e, record);
  }

  /** Convenience: add many records. */
  addAll(records: Iterable<FlowRecord>): void {
    for (const r of records) this.add(r);
  }

  /** All edges, sorted by key (deterministic). */
  edges(): DependencyEdge[] {
    const out = this.standingEdges().map(toEdge);
    out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    return out;
  }

  /** The refused attempts, sorted by key (deterministic); at most `maxBlockedAttempts`. */
  blockedAttempts(): BlockedAttempt[] {
    return [...this.blocked.values()]
      .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
      .map((acc) => ({
        key: acc.key,
        src: acc.src,
        dst: acc.dst,
        port: acc.port,
        protocol: acc.protocol,
        attempts: acc.attempts,
        firstSeen: Number.isFinite(acc.firstMs) ? isoFromMs(acc.firstMs) : null,
        lastSeen: Number.isFinite(acc.lastMs) ? isoFromMs(acc.lastMs) : null,
        reasons: [...acc.reasons].sort(),
        formats: pick(acc.formats, FORMATS),
      }));
  }

  stats(): AggregatorStats {
    const standing = this.standingEdges();
    let connections = 0;
    for (const e of standing) connections += connectionsOf(e);
    const samples = [...this.samples.values()]
      .sort((x, y) => y.count - x.count || (x.hint < y.hint ? -1 : x.hint > y.hint ? 1 : 0))
      .map((s) => ({ ...s }));
    return {
      ...this.s,
      blockedAttempts: this.blocked.size,
      unattributedByReason: { ...this.unattributedByReason },
      unattributedSamples: samples,
      edges: standing.length,
      connections,
    };
  }

  /** An external end known only by IP gets the name a DNS answer gave it, when there was one. */
  private named(ep: FlowRecord['src']): FlowRecord['src'] {
    if (ep.kind !== 'external' || ep.ip === undefined || ep.dnsNames !== undefined) return ep;
    const name = this.dnsByIp.get(ep.ip);
    return name === undefined ? ep : { ...ep, dnsNames: [name] };
  }

  private learnDns(query: string, ips: readonly string[]): void {
    let name = query.toLowerCase();
    if (name.endsWith('.')) name = name.slice(0, -1);
    if (name.endsWith('.cluster.local') || name === '') return; // in-cluster names resolve to Services and pods
    for (const ip of ips) {
      if (typeof ip !== 'string') continue;
      if (this.dnsByIp.size >= this.maxDns && !this.dnsByIp.has(ip)) this.dnsByIp.clear();
      this.dnsByIp.set(ip, name);
    }
  }

  private countStart(e: EdgeAcc, r: FlowRecord): void {
    if (r.format === 'edge-list') {
      e.connOther += r.connections;
      return;
    }
    if (r.format === 'hubble' && !this.admitStart(r)) {
      this.s.duplicateStartsSuppressed++;
      return;
    }
    // Calico reports each connection once per reporting side (src and dst): the larger side counts.
    switch (r.reporter) {
      case 'src':
        e.connSrc += r.connections;
        break;
      case 'dst':
        e.connDst += r.connections;
        break;
      case 'fwd':
        e.connFwd += r.connections;
        break;
      default:
        e.connUnk += r.connections;
    }
  }

  private refuse(record: FlowRecord, src: EdgeEndpoint, dst: EdgeEndpoint): void {
    this.s.refused++;
    const port = record.dstPort ?? null;
    const key = `${src.key}|${dst.key}|${record.protocol}|${port ?? ''}`;
    let acc = this.blocked.get(key);
    if (acc === undefined) {
      if (this.blocked.size >= this.maxBlocked) {
        this.s.blockedAttemptsDropped++;
        return;
      }
      acc = {
        key,
        src,
        dst,
        port,
        protocol: record.protocol,
        attempts: 0,
        firstMs: Number.POSITIVE_INFINITY,
        lastMs: Number.NEGATIVE_INFINITY,
        reasons: new Set(),
        formats: 0,
        refusedAtDestination: false,
      };
      this.blocked.set(key, acc);
    }
    acc.attempts++;
    const t = record.timeMs;
    if (t !== undefined) {
      if (t < acc.firstMs) acc.firstMs = t;
      const end = record.endTimeMs ?? t;
      if (end > acc.lastMs) acc.lastMs = end;
    }
    const reason = record.verdictReason;
    if (reason !== undefined && acc.reasons.size < MAX_REASONS) acc.reasons.add(reason);
    acc.formats |= 1 << FORMATS.indexOf(record.format);
    if (record.reporter === 'dst') acc.refusedAtDestination = true;
  }

  /**
   * Calico reports a connection once per side: a source that let it out and a destination that refused it
   * is a refused connection, not an edge. An edge seen only by source-side reports is dropped when its
   * destination refused the same key.
   */
  private refusedAtDestination(e: EdgeAcc): boolean {
    return e.reporters === 1 << REPORTERS.indexOf('src') && this.blocked.get(e.key)?.refusedAtDestination === true;
  }

  /** The edges that stand: every accumulated one but those refused at their destination. */
  private standingEdges(): EdgeAcc[] {
    const out: EdgeAcc[] = [];
    for (const byDst of this.bySrc.values())
      for (const bySlot of byDst.values()) for (const e of bySlot.values()) if (!this.refusedAtDestination(e)) out.push(e);
    return out;
  }

  /**
   * One connection is one 5-tuple, seen at several observation points of a node (and as a policy
   * verdict): count it once. A proxy in the path (TO_PROXY) makes the server side see a second
   * 5-tuple, so the sides are kept apart (countStart) and the larger one counts.
   */
  private admitStart(r: FlowRecord): boolean {
    const sp = r.srcPort;
    const k = `${r.src.ip ?? r.src.pod ?? ''}|${sp ?? ''}|${r.dst.ip ?? r.dst.pod ?? ''}|${r.dstPort ?? r.icmpType ?? ''}|${r.protocol}`;
    return (sp === undefined && r.protocol !== 'ICMP') || this.deduper.admit(k, r.timeMs);
  }

  private miss(record: FlowRecord, end: 'src' | 'dst', reason: UnattributedReason, hint: string): false {
    this.s.unattributed++;
    this.onUnattributed?.(record, reason);
    const k = `${end}:${reason}`;
    this.unattributedByReason[k] = (this.unattributedByReason[k] ?? 0) + 1;
    const sk = `${k}:${hint}`;
    const sample = this.samples.get(sk);
    if (sample !== undefined) sample.count++;
    else if (this.samples.size < this.maxSamples) this.samples.set(sk, { end, reason, hint, count: 1 });
    return false;
  }
}

function startsOf(e: EdgeAcc): ConnectionStarts {
  return { src: e.connSrc, dst: e.connDst, fwd: e.connFwd, unknown: e.connUnk, listed: e.connOther };
}

function connectionsOf(e: EdgeAcc): number {
  return connectionsOfStarts(startsOf(e));
}

function pick<T>(mask: number, values: readonly T[]): T[] {
  return values.filter((_, i) => (mask & (1 << i)) !== 0);
}

function toEdge(e: EdgeAcc): DependencyEdge {
  const verdict: ForwardedVerdict = e.audit > 0 ? 'audit' : e.allowed > 0 ? 'allowed' : 'unknown';
  return {
    key: e.key,
    src: e.src,
    dst: e.dst,
    port: e.port,
    protocol: e.protocol,
    connections: connectionsOf(e),
    starts: startsOf(e),
    observations: e.observations,
    firstSeen: Number.isFinite(e.firstMs) ? isoFromMs(e.firstMs) : null,
    lastSeen: Number.isFinite(e.lastMs) ? isoFromMs(e.lastMs) : null,
    verdicts: { allowed: e.allowed, audit: e.audit, unknown: e.unknown },
    verdict,
    formats: pick(e.formats, FORMATS),
    reporters: pick(e.reporters, REPORTERS),
    directionConfidence: e.highConfidence ? 'high' : 'low',
    attribution: pick(e.methods, ATTRIBUTION_METHODS),
    dstAddresses: e.addresses ? [...e.addresses].sort() : [],
    declared: e.observedRecords === 0,
  };
}
