import type { FlowSourceKind, FLOW_SOURCE_STATUSES, SimulationSettings } from '@bulkhead/contracts';
import type { ConnectionStarts } from '@bulkhead/flows';
import type { EdgeContribution } from '../flow-import/flow-import.ports';

export type FlowSourceStatus = (typeof FLOW_SOURCE_STATUSES)[number];
export type FlowSourceTlsMode = 'none' | 'tls' | 'mtls';

/** The TLS material of a source, as sealed at rest (JSON) and opened only by the collector that connects. */
export interface FlowSourceTls {
  ca?: string;
  certificate?: string;
  key?: string;
}

export interface FlowSourceRecord {
  id: string;
  clusterId: string;
  name: string;
  kind: FlowSourceKind;
  /** null for a simulated source. */
  address: string | null;
  tls: FlowSourceTlsMode;
  serverName: string | null;
  hasCa: boolean;
  /** A simulated source's settings; null for the other kinds. */
  simulation: SimulationSettings | null;
  enabled: boolean;
  /** Goes up on every change of address, TLS or simulation: a collector on an older version reconnects. */
  configVersion: number;
  status: FlowSourceStatus;
  statusReason: string | null;
  statusSince: Date;
  observingSince: Date | null;
  lastFlowAt: Date | null;
  flowsPerSecond: number;
  flowsTotal: number;
  gaps: ObservationGap[];
  createdAt: Date;
  updatedAt: Date;
}

/** A span a source could not observe, and why. */
export interface ObservationGap {
  from: Date;
  to: Date;
  reason: string;
}

export interface FlowSourceStore {
  /** Fails with AppError conflict `flow_source.name_taken` when the cluster has a source of that name. */
  create(input: {
    clusterId: string;
    name: string;
    kind: FlowSourceKind;
    address: string | null;
    tls: FlowSourceTlsMode;
    serverName: string | null;
    sealedTls: Uint8Array | null;
    hasCa: boolean;
    simulation: SimulationSettings | null;
    enabled: boolean;
  }): Promise<FlowSourceRecord>;
  get(clusterId: string, id: string): Promise<FlowSourceRecord | null>;
  list(clusterId: string): Promise<FlowSourceRecord[]>;
  /** A new address, TLS or simulation raises the config version, so that the collector reconnects. */
  update(
    clusterId: string,
    id: string,
    patch: {
      enabled?: boolean;
      address?: string;
      simulation?: SimulationSettings;
      tls?: { tls: FlowSourceTlsMode; serverName: string | null; sealedTls: Uint8Array | null; hasCa: boolean };
    },
  ): Promise<FlowSourceRecord | null>;
  delete(clusterId: string, id: string): Promise<boolean>;
}

/** Who holds a source's lease: a worker's owner name and the epoch its takeover started (the fencing token). */
export interface FlowSourceLease {
  sourceId: string;
  owner: string;
  epoch: number;
}

/** What a collector needs to connect and resume. */
export interface FlowSourceConnection {
  id: string;
  clusterId: string;
  /** When the cluster was created: a simulated stream rebuilds the demo cluster seeded then. */
  clusterCreatedAt: Date;
  kind: FlowSourceKind;
  /** null for a simulated source. */
  address: string | null;
  tls: FlowSourceTlsMode;
  serverName: string | null;
  sealedTls: Uint8Array | null;
  simulation: SimulationSettings | null;
  configVersion: number;
  checkpoint: unknown;
}

/**
 * One live edge's share of a batch: what a file import adds, with its connection starts per reporting
 * side and its observations. The store adds starts up per edge and hour, and counts connections from
 * them (listed plus the largest side), so that where batches are cut changes nothing.
 */
export interface LiveEdgeContribution extends EdgeContribution {
  starts: ConnectionStarts;
  observations: number;
}

/** One batch a collector writes at once: its edges (all of one hour), the checkpoint after it, its gaps and the source's state. */
export interface CollectedBatch {
  /** The hour the batch's flows belong to (start of the hour; the epoch for flows without a time). */
  hour: Date;
  edges: LiveEdgeContribution[];
  checkpoint: unknown;
  /** Flows (responses carrying a flow) taken into the batch, counted or not. */
  flows: number;
  oldestFlowAt: Date | null;
  newestFlowAt: Date | null;
  gaps: ObservationGap[];
}

/** One Goldmane flow's counts in one 15-second bucket, attributed: the store sets them per (bucket start, flow key). */
export interface GoldmaneBucketFlow {
  bucketStart: Date;
  bucketEnd: Date;
  /** Goldmane's FlowKey, as received: what tells two flows of one bucket apart. */
  flowKey: string;
  reporter: 'src' | 'dst' | 'unknown';
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  /** Connections started in the bucket. */
  connections: number;
}

/** One batch of a Goldmane collector: the latest counts of the buckets it received, and where it stands after them. */
export interface GoldmaneBatch {
  buckets: GoldmaneBucketFlow[];
  checkpoint: unknown;
  /** Flows received, counted or not. */
  flows: number;
  oldestFlowAt: Date | null;
  newestFlowAt: Date | null;
  gaps: ObservationGap[];
  /** Name prefixes and names the inventory could not place since the collector connected (`namespace/name`), reported on the source. */
  unattributed: string[];
}

export interface FlowCollectionStore {
  /**
   * Takes every enabled source whose lease is free or expired, and renews those `owner` holds, for
   * `ttlMs` by the database's clock. A takeover raises the epoch. Returns the leases `owner` holds now.
   */
  claimLeases(owner: string, ttlMs: number): Promise<Array<FlowSourceLease & { configVersion: number; kind: FlowSourceKind }>>;
  /** Gives a lease up at once (a worker stopping cleanly), so that another worker takes over without waiting. */
  releaseLease(lease: FlowSourceLease): Promise<void>;
  /** The source as a collector holding `lease` needs it; null when the lease is no longer held. */
  connection(lease: FlowSourceLease): Promise<FlowSourceConnection | null>;
  /**
   * In one transaction, refused (false, nothing written) unless `lease` is still held: adds the batch's
   * edges to the dependency map and to the per-hour activity, records its gaps, and stores the checkpoint,
   * the counts and the state.
   */
  writeBatch(
    lease: FlowSourceLease,
    batch: CollectedBatch,
    state: { status: FlowSourceStatus; reason: string | null; flowsPerSecond: number },
  ): Promise<boolean>;
  /**
   * Like writeBatch, for Goldmane: each bucket flow's counts are SET (a bucket received again changes
   * nothing), and what that changes per edge and bucket is what the edge and its hour gain. A connection
   * reported at both ends counts once (the larger side per bucket).
   */
  writeBuckets(
    lease: FlowSourceLease,
    batch: GoldmaneBatch,
    state: { status: FlowSourceStatus; reason: string | null; flowsPerSecond: number },
  ): Promise<boolean>;
  /** Records a gap (once per start) and the state, unless the lease is gone. */
  recordGap(lease: FlowSourceLease, gap: ObservationGap): Promise<boolean>;
  setStatus(lease: FlowSourceLease, status: FlowSourceStatus, reason: string | null): Promise<boolean>;
}
