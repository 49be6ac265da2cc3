// The incremental reader: text chunks of any size in (chunk boundaries may split lines, JSON documents,
// even CRLF pairs), normalized records out. It holds at most one unfinished line or document, never
// the whole input. Malformed units are counted per reason with a few line numbers, not thrown, unless
// nothing in the whole input parses.
import { identifierCharacterProblem } from '@bulkhead/contracts';
import { DocumentError, parseYaml } from '@bulkhead/documents';
import { AwsVpcRowReader } from './aws-vpc';
import { normalizeCalicoDocument, normalizeCalicoLegacyLine } from './calico';
import { DETECTION_WINDOW, detectFlowFormat, detectFraming, type DetectedFormat } from './detect';
import { normalizeEdgeListItem } from './edge-list';
import { normalizeEnvoyJson, normalizeEnvoyTextLine } from './envoy';
import { hubbleUnit, normalizeHubbleFlow } from './hubble';
import { normalizeAdvisedPolicy, normalizeTraceTcpEvent } from './inspektor-gadget';
import { LabelCache } from './labels';
import {
  FlowFormatError,
  FlowParseError,
  type FlowEndpoint,
  type FlowFormat,
  type FlowRecord,
  type Framing,
  type SkipReason,
} from './model';
import { normalizeClientIntents } from './otterize';

export interface FlowReaderOptions {
  /** A known format, or `auto` (default) to detect it from the first few KB. */
  readonly format?: FlowFormat | DetectedFormat | 'auto';
  /** Receives each record as soon as it is complete; `feed`/`end` then return empty arrays. */
  readonly onRecord?: (record: FlowRecord) => void;
  /** Longest line or JSON document accepted, in characters (default 1 MiB). Longer ones are skipped. */
  readonly maxUnitChars?: number;
  /** How many line numbers to keep per skip reason (default 5). */
  readonly sampleLines?: number;
}

export interface SkipCount {
  count: number;
  /** The first line numbers (1-based) where this happened. */
  lines: number[];
}

export interface ReaderStats {
  format?: FlowFormat;
  framing?: Framing;
  /** Characters fed so far (the caller knows bytes; with utf8 text they differ only for non-ASCII). */
  chars: number;
  /** Lines seen so far (newline count, plus one for a final unterminated line at `end`). */
  lines: number;
  /** Lines or JSON documents handed to a parser. */
  units: number;
  /** Normalized flow records produced. */
  records: number;
  /** Sum of Hubble `lost_events.num_events_lost`: flows the source dropped before they were written. */
  lostEvents: number;
  /** Number of `lost_events` lines. */
  lostEventRecords: number;
  /** Other Hubble events, counted and skipped. */
  events: { node_status: number; agent_event: number; debug_event: number };
  /** Units skipped, in total and per reason. */
  skipped: number;
  skippedByReason: Partial<Record<SkipReason, SkipCount>>;
  /** Documents that parsed only after removing trailing commas (the Calico docs example has one). */
  repairedTrailingCommas: number;
}

export interface FlowReader {
  /**
   * Feed the next chunk of text. Returns the records completed by it (empty with `onRecord`).
   * Throws `FlowFormatError` once the first 8 KB are in and they match no supported format.
   */
  feed(chunk: string): FlowRecord[];
  /** Signal the end of input: flushes a last unterminated line. Throws `FlowParseError` if nothing parsed at all. */
  end(): FlowRecord[];
  stats(): ReaderStats;
  /** The format in use (known after detection). */
  readonly format: FlowFormat | undefined;
}

const MALFORMED: ReadonlySet<SkipReason> = new Set<SkipReason>([
  'invalid-json',
  'invalid-yaml',
  'fields-unknown',
  'not-an-object',
  'unrecognized-object',
  'line-too-long',
  'document-too-large',
  'malformed-line',
]);

const NONE: FlowRecord[] = [];

/** What to do about a reason that failed a whole input, when there is something to do. */
const REASON_HINTS: Partial<Record<SkipReason, string>> = {
  'fields-unknown':
    'A custom AWS VPC Flow Log format is read from its header line: put the field names of the flow log\'s LogFormat (e.g. "version srcaddr dstaddr srcport dstport protocol ...") on the first line, as files delivered to S3 begin',
};

/** Remove commas that directly precede `]` or `}` (outside strings): `[1, 2,]` -> `[1, 2]`. */
export function stripTrailingCommas(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  let escape = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escape) escape = false;
      else if (c === 92) escape = true;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 44) {
      let j = i + 1;
      while (
        j < text.length &&
        (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)
      )
        j++;
      if (j < text.length && (text.charCodeAt(j) === 93 || text.charCodeAt(j) === 125)) {
        out += text.slice(from, i);
        from = i + 1;
      }
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

type UnitSink = (text: string, line: number) => void;
type SkipSink = (reason: SkipReason, line: number) => void;

/** Cuts text into lines; strips a trailing CR. */
class LineSplitter {
  private pending = '';
  private discarding = false;
  line = 0;

  constructor(
    private readonly max: number,
    private readonly unit: UnitSink,
    private readonly skip: SkipSink,
  ) {}

  push(chunk: string): void {
    let start = 0;
    let nl = chunk.indexOf('\n');
    if (this.pending.length > 0 || this.discarding) {
      if (nl < 0) {
        this.hold(chunk);
        return;
      }
      const text = this.discarding ? undefined : this.pending + chunk.slice(0, nl);
      this.pending = '';
      this.emit(text);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    while (nl >= 0) {
      this.emit(chunk.slice(start, nl));
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) this.hold(start === 0 ? chunk : chunk.slice(start));
  }

  finish(): void {
    if (this.pending.length > 0 || this.discarding) {
      const text = this.discarding ? undefined : this.pending;
      this.pending = '';
      this.emit(text);
    }
  }

  private hold(text: string): void {
    if (this.discarding) return;
    this.pending += text;
    if (this.pending.length > this.max) {
      this.pending = '';
      this.discarding = true;
    }
  }

  private emit(text: string | undefined): void {
    this.line++;
    if (text === undefined) {
      this.discarding = false;
      this.skip('line-too-long', this.line);
      return;
    }
    const end = text.length > 0 && text.charCodeAt(text.length - 1) === 13 ? text.length - 1 : text.length;
    if (end > this.max) {
      // the same verdict whether the line came in one chunk or was carried over several
      this.skip('line-too-long', this.line);
      return;
    }
    const t = end === text.length ? text : text.slice(0, end);
    // blank lines are not units
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9) {
        this.unit(t, this.line);
        return;
      }
    }
  }
}

/**
 * Cuts text into balanced top-level JSON objects: one per line, pretty-printed over many lines, or
 * the elements of a top-level array. Strings (with escapes) are tracked so braces inside them do not count.
 */
class DocumentSplitter {
  private buf = '';
  private depth = 0;
  private inArray = false;
  private inString = false;
  private escape = false;
  private discarding = false;
  private garbage = false;
  private docLine = 0;
  private afterNewline = true;
  line = 1;

  /** Lines seen: newlines, plus one for text after the last newline. */
  get lines(): number {
    return this.line - (this.afterNewline ? 1 : 0);
  }

  constructor(
    private readonly max: number,
    private readonly unit: UnitSink,
    private readonly skip: SkipSink,
  ) {}

  push(chunk: string): void {
    let segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) {
        this.line++;
        this.afterNewline = true;
      } else this.afterNewline = false;
      if (this.depth > 0) {
        if (this.inString) {
          if (c === 10) {
            // JSON strings cannot hold a raw newline: the document was cut off. Drop it and resync here.
            this.skip('invalid-json', this.docLine);
            this.depth = 0;
            this.inString = false;
            this.escape = false;
            this.discarding = false;
            this.buf = '';
          } else if (this.escape) this.escape = false;
          else if (c === 92) this.escape = true;
          else if (c === 34) this.inString = false;
        } else if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) this.depth++;
        else if (c === 125 || c === 93) {
          this.depth--;
          if (this.depth === 0) {
            if (this.discarding || this.buf.length + (i + 1 - segStart) > this.max) {
              this.discarding = false;
              this.skip('document-too-large', this.docLine);
            } else {
              this.unit(this.buf + chunk.slice(segStart, i + 1), this.docLine);
            }
            this.buf = '';
          }
        }
        continue;
      }
      if (this.garbage) {
        if (c === 10) this.garbage = false;
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44) continue;
      if (c === 123) {
        this.depth = 1;
        this.docLine = this.line;
        segStart = i;
        this.buf = '';
      } else if (c === 91 && !this.inArray) this.inArray = true;
      else if (c === 93 && this.inArray) this.inArray = false;
      else if (c === 0xfeff) continue;
      else {
        this.garbage = true;
        this.skip(this.inArray ? 'not-an-object' : 'invalid-json', this.line);
      }
    }
    if (this.depth > 0 && !this.discarding) {
      this.buf += segStart === 0 ? chunk : chunk.slice(segStart);
      if (this.buf.length > this.max) {
        this.buf = '';
        this.discarding = true;
      }
    }
  }

  finish(): void {
    if (this.depth > 0) {
      this.skip(this.discarding ? 'document-too-large' : 'invalid-json', this.docLine);
      this.depth = 0;
      this.buf = '';
    }
  }
}

/**
 * Cuts YAML text into documents at `---` (and `...`) lines, each at most `max` characters. Built on
 * the line splitter, so no more than one document is held; a document with a line too long, or too
 * long in all, is skipped whole.
 */
class YamlDocumentSplitter {
  private readonly splitter: LineSplitter;
  private doc = '';
  private docLine = 0;
  private hasContent = false;
  private damaged = false;

  constructor(
    private readonly max: number,
    private readonly unit: UnitSink,
    private readonly skip: SkipSink,
  ) {
    this.splitter = new LineSplitter(
      max,
      (text, line) => this.line(text, line),
      (_reason, line) => this.damage(line),
    );
  }

  /** Lines seen so far. */
  get lines(): number {
    return this.splitter.line;
  }

  push(chunk: string): void {
    this.splitter.push(chunk);
  }

  finish(): void {
    this.splitter.finish();
    this.flush();
  }

  private line(text: string, line: number): void {
    if (/^(---|\.\.\.)(\s|$)/.test(text)) {
      this.flush();
      return;
    }
    if (this.docLine === 0) this.docLine = line;
    if (this.damaged) return;
    if (this.doc.length + text.length + 1 > this.max) {
      this.damage(line);
      return;
    }
    this.doc += `${text}\n`;
    if (!this.hasContent && !text.trimStart().startsWith('#')) this.hasContent = true;
  }

  private damage(line: number): void {
    if (this.docLine === 0) this.docLine = line;
    this.damaged = true;
    this.doc = '';
  }

  private flush(): void {
    if (this.damaged) this.skip('document-too-large', this.docLine);
    else if (this.hasContent) this.unit(this.doc, this.docLine);
    this.doc = '';
    this.docLine = 0;
    this.hasContent = false;
    this.damaged = false;
  }
}

class Reader implements FlowReader {
  format: FlowFormat | undefined;
  /** A format given by the caller (only the framing is detected). */
  private known: FlowFormat | undefined;
  private framing: Framing | undefined;
  private splitter: LineSplitter | DocumentSplitter | YamlDocumentSplitter | undefined;
  /** The AWS VPC field layout in force (a header line sets it). */
  private readonly vpcRows = new AwsVpcRowReader();
  private head = '';
  private out: FlowRecord[] = [];
  private wellFormed = 0;
  private readonly labels = new LabelCache();
  private readonly max: number;
  private readonly samples: number;
  private readonly onRecord: ((r: FlowRecord) => void) | undefined;
  private readonly s: ReaderStats = {
    chars: 0,
    lines: 0,
    units: 0,
    records: 0,
    lostEvents: 0,
    lostEventRecords: 0,
    events: { node_status: 0, agent_event: 0, debug_event: 0 },
    skipped: 0,
    skippedByReason: {},
    repairedTrailingCommas: 0,
  };

  constructor(options: FlowReaderOptions) {
    this.max = options.maxUnitChars ?? 1 << 20;
    this.samples = options.sampleLines ?? 5;
    this.onRecord = options.onRecord;
    const f = options.format ?? 'auto';
    if (typeof f === 'object') this.start(f);
    else if (f === 'calico-legacy') this.start({ format: f, framing: 'lines' });
    else if (f !== 'auto') this.known = f; // the framing is still read from the first few KB
  }

  private detect(head: string): DetectedFormat {
    return this.known !== undefined ? { format: this.known, framing: detectFraming(head, this.known) } : detectFlowFormat(head);
  }

  feed(chunk: string): FlowRecord[] {
    const first = this.s.chars === 0;
    this.s.chars += chunk.length;
    if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // a UTF-8 byte order mark
    if (this.splitter === undefined) {
      this.head += chunk;
      if (this.head.length < DETECTION_WINDOW) return NONE;
      this.start(this.detect(this.head));
      const head = this.head;
      this.head = '';
      this.splitter!.push(head);
    } else {
      this.splitter.push(chunk);
    }
    return this.drain();
  }

  end(): FlowRecord[] {
    if (this.splitter === undefined) {
      if (this.known !== undefined && this.head.trim() === '') {
        this.format = this.known;
        return NONE;
      }
      this.start(this.detect(this.head));
      const head = this.head;
      this.head = '';
      this.splitter!.push(head);
    }
    this.splitter!.finish();
    const out = this.drain();
    if (this.s.records === 0 && this.wellFormed === 0 && this.s.skipped > 0) {
      const counts: Record<string, number> = {};
      for (const [k, v] of Object.entries(this.s.skippedByReason)) counts[k] = v.count;
      const detail = Object.entries(this.s.skippedByReason)
        .map(([k, v]) => `${k} x${v.count} (lines ${v.lines.join(', ')})`)
        .join('; ');
      const hints = Object.keys(counts)
        .map((reason) => REASON_HINTS[reason as SkipReason])
        .filter((hint) => hint !== undefined);
      throw new FlowParseError(`Nothing in the input could be parsed as ${this.format}: ${[detail, ...hints].join('. ')}`, counts);
    }
    return out;
  }

  stats(): ReaderStats {
    const lines = this.splitter === undefined ? 0 : this.splitter instanceof LineSplitter ? this.splitter.line : this.splitter.lines;
    const skippedByReason: ReaderStats['skippedByReason'] = {};
    for (const [k, v] of Object.entries(this.s.skippedByReason)) skippedByReason[k as SkipReason] = { count: v.count, lines: [...v.lines] };
    return { ...this.s, format: this.format, framing: this.framing, lines, events: { ...this.s.events }, skippedByReason };
  }

  private start(detected: DetectedFormat): void {
    this.format = detected.format;
    this.framing = detected.framing;
    const unit: UnitSink = (text, line) => this.unit(text, line);
    const skip: SkipSink = (reason, line) => this.skip(reason, line);
    this.splitter =
      detected.framing === 'lines'
        ? new LineSplitter(this.max, unit, skip)
        : detected.framing === 'yaml-documents'
          ? new YamlDocumentSplitter(this.max, unit, skip)
          : new DocumentSplitter(this.max, unit, skip);
  }

  private drain(): FlowRecord[] {
    if (this.out.length === 0) return NONE;
    const out = this.out;
    this.out = [];
    return out;
  }

  private emit(record: FlowRecord): void {
    if (namesHoldControlCharacters(record)) {
      this.skip('control-character', record.line);
      return;
    }
    this.s.records++;
    if (this.onRecord !== undefined) this.onRecord(record);
    else this.out.push(record);
  }

  private skip(reason: SkipReason, line: number): void {
    this.s.skipped++;
    let entry = this.s.skippedByReason[reason];
    if (entry === undefined) {
      entry = { count: 0, lines: [] };
      this.s.skippedByReason[reason] = entry;
    }
    entry.count++;
    if (entry.lines.length < this.samples) entry.lines.push(line);
  }

  private parseJson(text: string, line: number, repair: boolean): unknown {
    try {
      return JSON.parse(text);
    } catch {
      if (repair) {
        const fixed = stripTrailingCommas(text);
        if (fixed !== text) {
          try {
            const v = JSON.parse(fixed) as unknown;
            this.s.repairedTrailingCommas++;
            return v;
          } catch {
            // fall through
          }
        }
      }
      this.skip('invalid-json', line);
      return undefined;
    }
  }

  /** One YAML document, bounded in depth and in what its aliases expand to. */
  private parseYaml(text: string, line: number): unknown {
    try {
      return parseYaml(text, { maxExpandedBytes: 4 * this.max, maxDepth: 64 });
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      this.skip('invalid-yaml', line);
      return undefined;
    }
  }

  private unit(text: string, line: number): void {
    this.s.units++;
    switch (this.format) {
      case 'hubble': {
        const value = this.parseJson(text, line, false) as { flow?: unknown } | undefined;
        if (value === undefined) return;
        const flow = value !== null && typeof value === 'object' ? value.flow : undefined;
        if (flow !== null && typeof flow === 'object' && !Array.isArray(value)) {
          // the common case, without the unit wrapper
          const r = normalizeHubbleFlow(flow, value, line, this.labels);
          this.result(r, line);
          return;
        }
        const u = hubbleUnit(value, line, this.labels);
        if (u.kind === 'record') {
          this.wellFormed++;
          this.emit(u.record);
        } else if (u.kind === 'skip') {
          if (!MALFORMED.has(u.reason)) this.wellFormed++;
          this.skip(u.reason, line);
        } else if (u.kind === 'lost-events') {
          this.wellFormed++;
          this.s.lostEventRecords++;
          this.s.lostEvents += u.lost;
        } else {
          this.wellFormed++;
          this.s.events[u.event]++;
        }
        return;
      }
      case 'calico-json':
      case 'edge-list': {
        const value = this.parseJson(text, line, true);
        if (value === undefined) return;
        const r = this.format === 'calico-json' ? normalizeCalicoDocument(value, line, this.labels) : normalizeEdgeListItem(value, line);
        this.result(r, line);
        return;
      }
      case 'calico-legacy': {
        const r = normalizeCalicoLegacyLine(text, line, this.labels);
        if (r === null) {
          this.wellFormed++;
          return;
        }
        this.result(r, line);
        return;
      }
      case 'aws-vpc-flow-log': {
        const r = this.vpcRows.read(text, line);
        if (r === null) {
          this.wellFormed++;
          return;
        }
        this.result(r, line);
        return;
      }
      case 'envoy-access-log': {
        if (text.trimStart().startsWith('{')) {
          const value = this.parseJson(text, line, false);
          if (value !== undefined) this.result(normalizeEnvoyJson(value, line), line);
        } else this.result(normalizeEnvoyTextLine(text, line), line);
        return;
      }
      case 'ig-trace-tcp': {
        const value = this.parseJson(text, line, false);
        if (value !== undefined) this.result(normalizeTraceTcpEvent(value, line), line);
        return;
      }
      case 'otterize-intents':
      case 'ig-advise-networkpolicy': {
        const value = this.framing === 'yaml-documents' ? this.parseYaml(text, line) : this.parseJson(text, line, true);
        if (value === undefined) return;
        const normalize = this.format === 'otterize-intents' ? normalizeClientIntents : normalizeAdvisedPolicy;
        for (const item of listItems(value)) {
          const r = normalize(item, line);
          if (typeof r === 'string') this.result(r, line);
          else {
            this.wellFormed++;
            for (const record of r) this.emit(record);
          }
        }
        return;
      }
      default:
        throw new FlowFormatError('The reader has no format', '');
    }
  }

  private result(r: FlowRecord | SkipReason, line: number): void {
    if (typeof r === 'string') {
      if (!MALFORMED.has(r)) this.wellFormed++;
      this.skip(r, line);
    } else {
      this.wellFormed++;
      this.emit(r);
    }
  }
}

/**
 * Create an incremental reader. The caller feeds decoded text:
 * `stream.setEncoding('utf8'); for await (const chunk of stream) reader.feed(chunk); reader.end();`
 */
export function createFlowReader(options: FlowReaderOptions | FlowFormat | 'auto' = {}): FlowReader {
  return new Reader(typeof options === 'string' ? { format: options } : options);
}

/** The objects a document holds: itself, the elements of a list, or the `items` of a Kubernetes `List`. */
function listItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const o = value as { kind?: unknown; items?: unknown };
    if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return o.items;
  }
  return [value];
}

/** The names and addresses of a record that can become part of an edge, checked for control characters. */
function namesHoldControlCharacters(record: FlowRecord): boolean {
  const names = (end: FlowEndpoint): Array<string | undefined> => [
    end.namespace,
    end.pod,
    end.workload?.name,
    end.ip,
    end.cidr,
    end.service?.name,
    end.service?.namespace,
    ...(end.dnsNames ?? []),
  ];
  const all = [...names(record.src), ...names(record.dst), record.l7?.dnsQuery, ...(record.l7?.dnsIps ?? [])];
  return all.some((name) => name !== undefined && identifierCharacterProblem(name) !== null);
}
