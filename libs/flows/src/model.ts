// The normalized flow record every supported format is reduced to, and the small vocabularies it uses.
// A record is connection-oriented: `src` is the side that opened the connection, `dst` the side that
// accepted it, and `dstPort` the port the connection was made to (never an ephemeral source port).

/**
 * The input formats the importer understands. Observed traffic: Hubble, Calico, Istio/Envoy access
 * logs, AWS VPC Flow Logs, Inspektor Gadget `trace_tcp`. Declared dependencies: Otterize ClientIntents
 * and the NetworkPolicies Inspektor Gadget's `advise networkpolicy` prints. And the plain edge list.
 */
export type FlowFormat =
  | 'hubble'
  | 'calico-json'
  | 'calico-legacy'
  | 'edge-list'
  | 'envoy-access-log'
  | 'aws-vpc-flow-log'
  | 'ig-trace-tcp'
  | 'otterize-intents'
  | 'ig-advise-networkpolicy';

/**
 * How the reader cuts the text into units: one JSON value or text record per line, balanced JSON
 * documents, or YAML documents between `---` lines.
 */
export type Framing = 'lines' | 'documents' | 'yaml-documents';

export type Protocol = 'TCP' | 'UDP' | 'SCTP' | 'ICMP';

export type Verdict = 'allowed' | 'denied' | 'audit' | 'unknown';

/** Who observed the record: the initiating side, the accepting side, a forwarding hop, or unknown. */
export type Reporter = 'src' | 'dst' | 'fwd' | 'unknown';

/** Cilium reserved identities (and the Calico host endpoint, mapped to `host`). `world` is not here: it becomes `external`. */
export type ReservedIdentity =
  'host' | 'remote-node' | 'kube-apiserver' | 'health' | 'ingress' | 'init' | 'unmanaged' | 'encrypted-overlay';

/**
 * What kind of thing one end of a flow is, as far as the record itself knows:
 * - `pod`: a Kubernetes pod, named (`pod`) or anonymous but described by `namespace` + `labels`;
 * - `workload`: a workload named by the source (Calico aggregated name, edge list `namespace/name`) with no pod name;
 * - `external`: outside the cluster (Hubble `reserved:world`/`cidr:`, Calico `net`/`ns`, an IP or DNS name in an edge list);
 * - `reserved`: a Cilium reserved identity (host, remote-node, kube-apiserver, ingress, ...);
 * - `unknown`: nothing but possibly an IP.
 */
export type EndpointKind = 'pod' | 'workload' | 'external' | 'reserved' | 'unknown';

export interface WorkloadRef {
  /** Deployment, StatefulSet, DaemonSet, ... when the source says so. */
  readonly kind?: string;
  readonly name: string;
}

export interface FlowEndpoint {
  readonly kind: EndpointKind;
  readonly cluster?: string;
  readonly namespace?: string;
  readonly pod?: string;
  readonly workload?: WorkloadRef;
  /** Pod labels without source prefixes or Cilium-internal keys (`pod-template-hash` dropped). Shared: do not mutate. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly reserved?: ReservedIdentity;
  readonly ip?: string;
  /** A CIDR for an external range (edge list `10.0.0.0/8`, Calico network set). */
  readonly cidr?: string;
  /** DNS names known for this end (Hubble `*_names`, Calico `dest_domains`, edge list host names). */
  readonly dnsNames?: readonly string[];
  /** Calico network set / bucket name (`pub`, `pvt`, or a NetworkSet), for external ends without an IP. */
  readonly networkSet?: string;
  /** The Kubernetes Service the client dialled (Hubble `destination_service`, Calico `dest_service_*`). */
  readonly service?: { readonly namespace?: string; readonly name: string };
  /** Cilium numeric security identity, when present. */
  readonly identity?: number;
  /** True when the source contradicted itself, e.g. Hubble `reserved:world` together with a `pod_name` (the pod wins). */
  readonly identityConflict?: boolean;
}

/** How the record's orientation (client -> server) was decided. */
export type DirectionBasis =
  | 'is_reply'
  | 'reply'
  | 'tcp-flags'
  | 'trace-reason'
  | 'l7-type'
  | 'icmp-type'
  | 'port-heuristic'
  | 'connection-oriented'
  /** Inspektor Gadget `connect` (the local container is the client) or `accept` (it is the server). */
  | 'event-type'
  /** Istio/Envoy: an `outbound|...` cluster is the client's sidecar, `inbound|...` the server's. */
  | 'proxy-side';

export interface FlowRecord {
  readonly format: FlowFormat;
  /** Line in the input where the record starts (1-based). */
  readonly line: number;
  /** Start of the observation, RFC 3339 as given (Hubble) or converted from Unix seconds (Calico). */
  readonly time?: string;
  /** `time` in epoch milliseconds. */
  readonly timeMs?: number;
  /** End of an aggregation window (Calico `end_time`), epoch milliseconds. */
  readonly endTimeMs?: number;
  readonly src: FlowEndpoint;
  readonly dst: FlowEndpoint;
  /** Client port after orientation. Kept only for connection de-duplication, never part of an edge key. */
  readonly srcPort?: number;
  /** Server port after orientation. For ICMP: undefined (the ICMP type is in `icmpType`). */
  readonly dstPort?: number;
  readonly protocol: Protocol;
  readonly icmpType?: number;
  readonly verdict: Verdict;
  /** Hubble `drop_reason_desc`, Calico action, ... */
  readonly verdictReason?: string;
  readonly reporter: Reporter;
  /** Hubble `trace_observation_point`, `proxy` for L7 events, `policy-verdict` for policy verdict events. */
  readonly observationPoint?: string;
  /** Node that observed the record (Hubble `node_name`, Calico `host`). */
  readonly node?: string;
  /** True when the record's src/dst were swapped because it described a reply. */
  readonly flipped: boolean;
  readonly directionBasis: DirectionBasis;
  /** `low` when orientation came from the port heuristic only. */
  readonly directionConfidence: 'high' | 'low';
  /** True when this record marks the start of a connection (TCP SYN without ACK, trace_reason NEW, policy verdict, Calico num_flows_started > 0, ...). */
  readonly newConnection: boolean;
  /** How many connections the record accounts for (Calico `num_flows_started`, edge list `count`; 1 or 0 for packet events). */
  readonly connections: number;
  readonly l7?: {
    readonly type?: 'REQUEST' | 'RESPONSE' | 'SAMPLE';
    readonly protocol?: 'dns' | 'http' | 'kafka';
    readonly dnsQuery?: string;
    readonly dnsIps?: readonly string[];
  };
  /**
   * True when the source declares the dependency (Otterize ClientIntents, an advised NetworkPolicy)
   * rather than observing traffic: the edge is stored as declared, with no connection counted.
   */
  readonly declared?: boolean;
  /**
   * True when the source names no port (Otterize intents, a policy rule without ports): the edge
   * takes each port the destination workload serves, per the inventory.
   */
  readonly portFromInventory?: boolean;
}

/** Reasons a unit of input was not turned into a record. */
export type SkipReason =
  | 'invalid-json'
  | 'invalid-yaml'
  | 'not-an-object'
  | 'unrecognized-object'
  | 'line-too-long'
  | 'document-too-large'
  | 'malformed-line'
  | 'empty-endpoint'
  | 'missing-endpoint'
  | 'missing-l4'
  | 'unsupported-protocol'
  | 'missing-port'
  | 'socket-translation'
  | 'cilium-health'
  | 'non-flow-event'
  | 'invalid-endpoint'
  /** A name or address holding NUL or another control character: never a real one, and never stored. */
  | 'control-character'
  /** AWS VPC `NODATA` / `SKIPDATA` rows: no traffic, or traffic the interval could not record. */
  | 'no-data'
  /** AWS VPC custom-format rows before any header line names the fields. */
  | 'fields-unknown'
  /** A connection to or from 127.0.0.0/8 or ::1 (Inspektor Gadget sees them): never a network dependency. */
  | 'loopback'
  /** A selector that names no single workload (matchExpressions, a namespace chosen by other labels, every pod). */
  | 'unsupported-selector';

/** Thrown when the content matches no supported format. `seen` quotes the start of the input. */
export class FlowFormatError extends Error {
  constructor(
    message: string,
    readonly seen: string,
  ) {
    super(message);
    this.name = 'FlowFormatError';
  }
}

/** Thrown by `FlowReader.end()` when not a single unit of the input could be parsed. */
export class FlowParseError extends Error {
  constructor(
    message: string,
    readonly skipped: Readonly<Record<string, number>>,
  ) {
    super(message);
    this.name = 'FlowParseError';
  }
}
