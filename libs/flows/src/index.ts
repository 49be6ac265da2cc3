// @bulkhead/flows: pure parsers of flow-log formats into one normalized record, and the attribution
// and aggregation of records into a workload dependency map. No I/O: the caller owns the stream.
//
//   const aggregator = new EdgeAggregator(InventoryIndex.from(inventory));
//   const reader = createFlowReader({ onRecord: (r) => aggregator.add(r) });   // format detected from content
//   stream.setEncoding('utf8');
//   for await (const chunk of stream) reader.feed(chunk);                      // any chunk size
//   reader.end();
//   const edges = aggregator.edges();                                           // sorted by edge key
//   const progress = importProgress(reader.stats(), aggregator.stats());       // also usable mid-stream
//
// Formats (`FlowFormat`), detected from the first 8 KB (`detectFlowFormat`):
// - `hubble`: jsonpb / exporter wrapper lines `{"flow":{...},"node_name","time"}` (with `lost_events`,
//   `node_status`, `agent_event`, `debug_event` lines counted) and bare `hubble observe -o json` flows;
// - `calico-json`: flows.log lines or pretty-printed Elasticsearch documents (trailing commas repaired);
// - `calico-legacy`: the space-delimited text line;
// - `edge-list`: `[{"from":"ns/workload","to":"ns/workload"|IP|CIDR|DNS name,"port":8080,"protocol":"TCP"}]`,
//   or one such object per line; endpoint keys (`workload:ns/name`) are accepted, so edges read back.
//
// `FlowRecord` (model.ts) is connection-oriented: `src` opened the connection, `dstPort` is the server
// port. Hubble replies are flipped using `is_reply`, then the deprecated `reply`, TCP SYN/ACK,
// `trace_reason`, `l7.type`, the ICMP type, and last a port heuristic (`directionConfidence: 'low'`).
// Source ports never enter an edge key. Cilium health traffic, socket translations (TRANSLATED/SOCK)
// and empty (`"source":{}`) endpoints are skipped with a reason.
//
// `EdgeAggregator` attributes both ends (`Attributor`: pod name, workload name, hash-stripped pod name,
// labels, app label, pod IP; a node by its addresses, and Cilium's `reserved:host` as the node that observed
// it; external by DNS name else IP/CIDR; other Cilium reserved identities) and sums forwarded records into
// `DependencyEdge`s keyed `<srcKey>|<dstKey>|<protocol>|<port>`, where an endpoint key is `workload:ns/name`,
// `node:worker-1`, `external:api.stripe.com`, `external:8.8.8.8/32` or `reserved:kube-apiserver`.
// Connections are counted once across observation points and reporters (5-tuple de-duplication in a
// bounded window, then the larger reporting side). Refused records (dropped, denied, errors) make no edge:
// they are `BlockedAttempt`s, with their reasons.

// The normalized record and its vocabulary.
export type {
  DirectionBasis,
  EndpointKind,
  FlowEndpoint,
  FlowFormat,
  FlowRecord,
  Framing,
  Protocol,
  Reporter,
  ReservedIdentity,
  SkipReason,
  Verdict,
  WorkloadRef,
} from './model';
export { FlowFormatError, FlowParseError } from './model';

// Detection and streaming.
export { detectFlowFormat, detectFraming, DETECTION_WINDOW, type DetectedFormat } from './detect';
export { createFlowReader, stripTrailingCommas, type FlowReader, type FlowReaderOptions, type ReaderStats, type SkipCount } from './reader';

// Per-format normalizers (for callers that already have parsed objects).
export { normalizeHubbleFlow, hubbleUnit, type HubbleUnit } from './hubble';
export {
  compareInstants,
  hubbleFlowIdentity,
  hubbleJsonFromWire,
  instantFromRfc3339,
  instantOf,
  rfc3339,
  type HubbleInstant,
} from './hubble-wire';
export { normalizeCalicoDocument, normalizeCalicoLegacyLine, CALICO_LEGACY_COLUMNS } from './calico';
export { normalizeEdgeListItem, parseEdgeListEndpoint } from './edge-list';
export { normalizeEnvoyFields, normalizeEnvoyJson, normalizeEnvoyTextLine, type EnvoyAccessLogFields } from './envoy';
export { AWS_VPC_DEFAULT_FIELDS, AwsVpcRowReader, normalizeAwsVpcRow } from './aws-vpc';
export { normalizeAdvisedPolicy, normalizeTraceTcpEvent } from './inspektor-gadget';
export { normalizeClientIntents } from './otterize';
export { LabelCache } from './labels';

// Attribution to the inventory and edge identity.
export { InventoryIndex, type InventoryIndexInput, type InventoryWorkload, type ServedPort } from './inventory';
export { Attributor, type Attribution, type AttributionMethod, type AttributorOptions, type UnattributedReason } from './attribution';
export { endpointKey, nodeEndpoint, parseEndpointKey, workloadEndpoint, type EdgeEndpoint } from './endpoint';

// Aggregation into dependency edges.
export {
  connectionsOfStarts,
  EdgeAggregator,
  MAX_ADDRESSES,
  MAX_REASONS,
  type ConnectionStarts,
  type AggregatorStats,
  type BlockedAttempt,
  type ForwardedVerdict,
  type DependencyEdge,
  type EdgeAggregatorOptions,
  type UnattributedSample,
} from './aggregate';
export { importFlowText, type FlowImportResult } from './import';
export { importProgress, type ImportProgress } from './progress';

// Name helpers used by attribution, exported for the inventory side.
export { podNameCandidates, workloadFromAggregatedName } from './names';
