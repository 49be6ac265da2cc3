// Format detection from the first few KB of content. JSON shapes are recognised by their keys;
// pretty-printed documents (whose first line is just `{`) by the key names in the text; text lines by
// their shape (Calico legacy, Istio/Envoy, AWS VPC); YAML by the kind of its objects.
import { isAwsVpcDefaultRow, isAwsVpcHeader } from './aws-vpc';
import { FlowFormatError, type FlowFormat, type Framing } from './model';

export interface DetectedFormat {
  readonly format: FlowFormat;
  readonly framing: Framing;
}

/** How many characters the reader buffers before detecting (unless the input ends first). */
export const DETECTION_WINDOW = 8192;

const HUBBLE_WRAPPER_KEYS = ['flow', 'lost_events', 'node_status', 'agent_event', 'debug_event'];
const HUBBLE_FLOW_KEYS = ['verdict', 'IP', 'l4', 'Type', 'trace_observation_point', 'event_type', 'is_reply', 'drop_reason_desc'];
const CALICO_KEYS = [
  'source_name_aggr',
  'dest_name_aggr',
  'source_namespace',
  'dest_namespace',
  'dest_type',
  'source_type',
  'num_flows_started',
];

function quote(text: string): string {
  const line =
    text
      .replace(/^\uFEFF/, '')
      .trimStart()
      .split(/\r?\n/, 1)[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}...` : line;
}

const ENVOY_KEYS = ['upstream_cluster', 'downstream_remote_address', 'downstream_local_address'];
const ENVOY_TEXT_LINE = /^\[\d{4}-\d\d-\d\dT[^\]]*\] "/;
/** YAML or JSON objects of a kind that declares dependencies. */
const DECLARED_KINDS: ReadonlyArray<readonly [string, FlowFormat]> = [
  ['ClientIntents', 'otterize-intents'],
  ['NetworkPolicy', 'ig-advise-networkpolicy'],
];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function classifyObject(o: Record<string, unknown>): FlowFormat | undefined {
  for (const [kind, format] of DECLARED_KINDS) if (o.kind === kind) return format;
  if (HUBBLE_WRAPPER_KEYS.some((k) => k in o)) return 'hubble';
  if (isObject(o.src) && isObject(o.dst) && 'addr' in o.src && 'addr' in o.dst) return 'ig-trace-tcp';
  if (ENVOY_KEYS.filter((k) => k in o).length >= 2) return 'envoy-access-log';
  if ('from' in o && 'to' in o) return 'edge-list';
  if (CALICO_KEYS.some((k) => k in o)) return 'calico-json';
  if (HUBBLE_FLOW_KEYS.some((k) => k in o) || ('source' in o && 'destination' in o && 'time' in o)) return 'hubble';
  return undefined;
}

function hasKey(text: string, key: string): boolean {
  return new RegExp(`"${key}"\\s*:`).test(text);
}

function classifyText(text: string): FlowFormat | undefined {
  if (HUBBLE_WRAPPER_KEYS.some((k) => hasKey(text, k))) return 'hubble';
  for (const [kind, format] of DECLARED_KINDS) if (new RegExp(`"kind"\\s*:\\s*"${kind}"`).test(text)) return format;
  if (hasKey(text, 'from') && hasKey(text, 'to')) return 'edge-list';
  if (CALICO_KEYS.some((k) => hasKey(text, k))) return 'calico-json';
  if (HUBBLE_FLOW_KEYS.some((k) => hasKey(text, k))) return 'hubble';
  return undefined;
}

/** The declared-dependency kind of YAML text (`kind: ClientIntents`, `kind: NetworkPolicy` at the start of a line). */
function classifyYaml(text: string): FlowFormat | undefined {
  for (const [kind, format] of DECLARED_KINDS)
    if (new RegExp(`^(\\s*-\\s+|\\s*)kind:\\s*["']?${kind}["']?\\s*$`, 'm').test(text)) return format;
  return undefined;
}

/** AWS VPC rows with the action and log status of a flow record, but no header naming their fields. */
function looksLikeHeaderlessVpcRow(line: string): boolean {
  return /^[2-9]\s+\S+\s+\S+/.test(line) && /\s(ACCEPT|REJECT|-)\s/.test(line) && /\s(OK|NODATA|SKIPDATA)$/.test(line);
}

function describeForeign(text: string): string | undefined {
  if (/^(apiVersion|kind):/m.test(text))
    return 'YAML of another kind (Bulkhead reads ClientIntents and NetworkPolicy objects), not a flow log';
  return undefined;
}

/**
 * How to cut content of a known format into units: `lines` when the first line is a complete JSON
 * object (JSON lines: a broken line then costs only itself) or one long line cut off by the window;
 * `documents` for pretty-printed objects and top-level arrays. The legacy Calico text is always lines.
 */
export function detectFraming(head: string, format: FlowFormat): Framing {
  if (format === 'calico-legacy' || format === 'aws-vpc-flow-log') return 'lines';
  const text = head.replace(/^\uFEFF/, '');
  if (format === 'envoy-access-log' && !text.trimStart().startsWith('{')) return 'lines';
  if ((format === 'otterize-intents' || format === 'ig-advise-networkpolicy') && !/^\s*[[{]/.test(withoutYamlComments(text)))
    return 'yaml-documents';
  // the first line that opens a JSON value decides (a stray line before it does not)
  let from = 0;
  while (from < text.length) {
    const nl = text.indexOf('\n', from);
    const line = (nl < 0 ? text.slice(from) : text.slice(from, nl)).trim();
    if (line.startsWith('[')) return 'documents';
    if (line.startsWith('{')) {
      if (nl < 0 && line.length > 1) return 'lines'; // the only line, or one cut off by the window
      try {
        const v = JSON.parse(line) as unknown;
        return v !== null && typeof v === 'object' && !Array.isArray(v) ? 'lines' : 'documents';
      } catch {
        return 'documents';
      }
    }
    if (nl < 0) break;
    from = nl + 1;
  }
  return 'documents';
}

/**
 * Detect the format of flow-log content from its beginning (pass at least the first few KB, or all
 * of a shorter input). Throws `FlowFormatError` naming what was seen when nothing matches.
 */
export function detectFlowFormat(head: string): DetectedFormat {
  const format = detectFormatOnly(head);
  return { format, framing: detectFraming(head, format) };
}

function detectFormatOnly(head: string): FlowFormat {
  const text = head.replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed === '') throw new FlowFormatError('Cannot detect the flow format: the input is empty', '');
  const lines = trimmed.split(/\r?\n/);

  // One JSON value or legacy record per line? Then one of the first lines says it on its own
  // (the first may be a stray header or a damaged line).
  const candidates = lines
    .slice(0, 6)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  for (const line of candidates) {
    if (line.startsWith('{')) {
      try {
        const o = JSON.parse(line) as unknown;
        if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
          const format = classifyObject(o as Record<string, unknown>);
          if (format) return format;
        }
      } catch {
        // a pretty-printed, truncated or damaged line
      }
    } else if (isLegacyCalico(line)) return 'calico-legacy';
    else if (ENVOY_TEXT_LINE.test(line)) return 'envoy-access-log';
    else if (isAwsVpcHeader(line.split(/\s+/)) || isAwsVpcDefaultRow(line.split(/\s+/)) || looksLikeHeaderlessVpcRow(line))
      return 'aws-vpc-flow-log';
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || candidates.some((l) => l.startsWith('{'))) {
    const format = classifyText(trimmed);
    if (format) return format;
  }
  const yaml = classifyYaml(trimmed);
  if (yaml) return yaml;
  const foreign = describeForeign(trimmed);
  const seen = quote(text);
  if (foreign) throw new FlowFormatError(`Unsupported flow format: the input looks like ${foreign}. First line: ${seen}`, seen);
  throw new FlowFormatError(
    `Unknown flow format. Expected Cilium Hubble JSON, Calico flow logs (JSON or legacy text), Istio/Envoy access logs, AWS VPC Flow Logs, Inspektor Gadget trace_tcp JSON or advised NetworkPolicies, Otterize ClientIntents, or an edge list. First line: ${seen}`,
    seen,
  );
}

/** The text without leading blank lines and YAML comment lines. */
function withoutYamlComments(text: string): string {
  return text.replace(/^(\s*(#[^\n]*)?\n)*/, '');
}

function isLegacyCalico(line: string): boolean {
  const fields = line.split(/\s+/);
  if (fields[0] === 'startTime' && fields.includes('srcType') && fields.includes('action')) return true;
  return fields.length === 24 && /^\d{9,11}$/.test(fields[0]!) && /^\d{9,11}$/.test(fields[1]!) && /^(wep|hep|ns|net)$/.test(fields[2]!);
}
