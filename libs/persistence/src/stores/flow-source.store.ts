import type { FlowSourceKind, SimulationSettings } from '@bulkhead/contracts';
import {
  type CollectedBatch,
  type FlowCollectionStore,
  type FlowSourceConnection,
  type FlowSourceLease,
  type FlowSourceRecord,
  type FlowSourceStatus,
  type FlowSourceStore,
  type GoldmaneBatch,
  type GoldmaneBucketFlow,
  type LiveEdgeContribution,
  InventoryError,
  type ObservationGap,
} from '@bulkhead/inventory';
import type { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from './cluster.store';
import { addToEdges, EDGE_CHUNK, edgeKey } from './flow-import.store';
import { required } from './required';

interface SourceRow {
  id: string;
  cluster_id: string;
  name: string;
  kind: FlowSourceRecord['kind'];
  address: string | null;
  tls: FlowSourceRecord['tls'];
  server_name: string | null;
  has_ca: boolean;
  simulation: SimulationSettings | null;
  enabled: boolean;
  config_version: number;
  status: FlowSourceStatus;
  status_reason: string | null;
  status_since: Date;
  observing_since: Date | null;
  last_flow_at: Date | null;
  flows_per_second: number;
  flows_total: string;
  created_at: Date;
  updated_at: Date;
  gaps: Array<{ from: string; to: string; reason: string }>;
}

/** Gaps shown with a source: the latest ones. */
const GAPS_SHOWN = 20;

const SELECT_SOURCES = `
  SELECT s.id, s.cluster_id, s.name, s.kind, s.address, s.tls, s.server_name, s.has_ca, s.simulation, s.enabled, s.config_version, s.status,
    s.status_reason, s.status_since, s.observing_since, s.last_flow_at, s.flows_per_second, s.flows_total, s.created_at, s.updated_at,
    COALESCE((SELECT jsonb_agg(jsonb_build_object('from', g.gap_from, 'to', g.gap_to, 'reason', g.reason) ORDER BY g.gap_from DESC)
              FROM (SELECT * FROM flow_source_gaps WHERE source_id = s.id ORDER BY gap_from DESC LIMIT ${GAPS_SHOWN}) g), '[]'::jsonb) AS gaps
  FROM flow_sources s`;

const toRecord = (r: SourceRow): FlowSourceRecord => ({
  id: r.id,
  clusterId: r.cluster_id,
  name: r.name,
  kind: r.kind,
  address: r.address,
  tls: r.tls,
  serverName: r.server_name,
  hasCa: r.has_ca,
  simulation: r.simulation,
  enabled: r.enabled,
  configVersion: r.config_version,
  status: r.status,
  statusReason: r.status_reason,
  statusSince: r.status_since,
  observingSince: r.observing_since,
  lastFlowAt: r.last_flow_at,
  flowsPerSecond: r.flows_per_second,
  flowsTotal: Number(r.flows_total),
  gaps: r.gaps.map((g) => ({ from: new Date(g.from), to: new Date(g.to), reason: g.reason })),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The lease check every collector write starts with: it locks the source's row, so a takeover waits for the write or fences it. */
const HOLDS_LEASE = `id = $1 AND lease_owner = $2 AND lease_epoch = $3 AND lease_expires_at > now()`;
const leaseParams = (lease: FlowSourceLease) => [lease.sourceId, lease.owner, lease.epoch];

/**
 * Flow sources (the API's) and their collection (the worker's): leases, checkpoints, batches. Writes that
 * return rows are wrapped in a CTE: TypeORM answers a bare UPDATE or DELETE ... RETURNING with [rows, count].
 */
export class PostgresFlowSourceStore implements FlowSourceStore, FlowCollectionStore {
  constructor(private readonly db: DataSource) {}

  async create(input: Parameters<FlowSourceStore['create']>[0]): Promise<FlowSourceRecord> {
    try {
      const [row]: Array<{ id: string }> = await this.db.query(
        `INSERT INTO flow_sources (cluster_id, name, kind, address, tls, server_name, sealed_tls, has_ca, enabled, simulation)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [
          input.clusterId,
          input.name,
          input.kind,
          input.address,
          input.tls,
          input.serverName,
          input.sealedTls ? Buffer.from(input.sealedTls) : null,
          input.hasCa,
          input.enabled,
          input.simulation === null ? null : JSON.stringify(input.simulation),
        ],
      );
      return (await this.get(input.clusterId, required(row, 'row for the inserted flow source').id))!;
    } catch (error) {
      if (isUniqueViolation(error, 'uq_flow_sources_cluster_name')) {
        throw new InventoryError('flow_source.name_taken', `the cluster already has a flow source named "${input.name}"`, {
          problems: [{ field: 'name', reason: 'is already taken' }],
        });
      }
      throw error;
    }
  }

  async get(clusterId: string, id: string): Promise<FlowSourceRecord | null> {
    const [row]: SourceRow[] = await this.db.query(`${SELECT_SOURCES} WHERE s.cluster_id = $1 AND s.id = $2`, [clusterId, id]);
    return row ? toRecord(row) : null;
  }

  async list(clusterId: string): Promise<FlowSourceRecord[]> {
    const rows: SourceRow[] = await this.db.query(`${SELECT_SOURCES} WHERE s.cluster_id = $1 ORDER BY s.name`, [clusterId]);
    return rows.map(toRecord);
  }

  async update(clusterId: string, id: string, patch: Parameters<FlowSourceStore['update']>[2]): Promise<FlowSourceRecord | null> {
    const reconnect = patch.address !== undefined || patch.tls !== undefined || patch.simulation !== undefined;
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH changed AS (UPDATE flow_sources SET
         enabled = COALESCE($3, enabled),
         address = COALESCE($4, address),
         tls = CASE WHEN $5 THEN $6 ELSE tls END,
         server_name = CASE WHEN $5 THEN $7 ELSE server_name END,
         sealed_tls = CASE WHEN $5 THEN $8::bytea ELSE sealed_tls END,
         has_ca = CASE WHEN $5 THEN $9 ELSE has_ca END,
         config_version = config_version + CASE WHEN $10 THEN 1 ELSE 0 END,
         simulation = COALESCE($11::jsonb, simulation),
         updated_at = now()
       WHERE cluster_id = $1 AND id = $2 RETURNING id) SELECT id FROM changed`,
      [
        clusterId,
        id,
        patch.enabled ?? null,
        patch.address ?? null,
        patch.tls !== undefined,
        patch.tls?.tls ?? null,
        patch.tls?.serverName ?? null,
        patch.tls?.sealedTls ? Buffer.from(patch.tls.sealedTls) : null,
        patch.tls?.hasCa ?? null,
        reconnect,
        patch.simulation === undefined ? null : JSON.stringify(patch.simulation),
      ],
    );
    return rows.length ? this.get(clusterId, id) : null;
  }

  async delete(clusterId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH gone AS (DELETE FROM flow_sources WHERE cluster_id = $1 AND id = $2 RETURNING id) SELECT id FROM gone`,
      [clusterId, id],
    );
    return rows.length > 0;
  }

  async claimLeases(owner: string, ttlMs: number): Promise<Array<FlowSourceLease & { configVersion: number; kind: FlowSourceKind }>> {
    const rows: Array<{ id: string; lease_epoch: string; config_version: number; kind: FlowSourceKind }> = await this.db.query(
      `WITH claimed AS (UPDATE flow_sources SET
         lease_epoch = CASE WHEN lease_owner = $1 THEN lease_epoch ELSE lease_epoch + 1 END,
         lease_owner = $1,
         lease_expires_at = now() + $2 * interval '1 millisecond'
       WHERE enabled AND (lease_owner = $1 OR lease_owner IS NULL OR lease_expires_at < now())
       RETURNING id, lease_epoch, config_version, kind)
       SELECT * FROM claimed`,
      [owner, ttlMs],
    );
    return rows.map((r) => ({ sourceId: r.id, owner, epoch: Number(r.lease_epoch), configVersion: r.config_version, kind: r.kind }));
  }

  async releaseLease(lease: FlowSourceLease): Promise<void> {
    await this.db.query(`UPDATE flow_sources SET lease_owner = NULL, lease_expires_at = NULL WHERE ${HOLDS_LEASE}`, leaseParams(lease));
  }

  async connection(lease: FlowSourceLease): Promise<FlowSourceConnection | null> {
    const [row] = await this.db.query(
      `SELECT s.id, s.cluster_id, c.created_at AS cluster_created_at, s.kind, s.address, s.tls, s.server_name, s.sealed_tls, s.simulation,
         s.config_version, s.checkpoint
       FROM flow_sources s JOIN clusters c ON c.id = s.cluster_id WHERE s.${HOLDS_LEASE}`,
      leaseParams(lease),
    );
    if (!row) return null;
    return {
      id: row.id,
      clusterId: row.cluster_id,
      clusterCreatedAt: row.cluster_created_at,
      simulation: row.simulation,
      kind: row.kind,
      address: row.address,
      tls: row.tls,
      serverName: row.server_name,
      sealedTls: row.sealed_tls ? new Uint8Array(row.sealed_tls) : null,
      configVersion: row.config_version,
      checkpoint: row.checkpoint,
    };
  }

  async writeBatch(
    lease: FlowSourceLease,
    batch: CollectedBatch,
    state: { status: FlowSourceStatus; reason: string | null; flowsPerSecond: number },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const clusterId = await advanceSource(em, lease, batch, state);
      if (!clusterId) return false;
      await addLiveEdges(em, clusterId, lease.sourceId, batch.hour, batch.edges);
      await insertGaps(em, lease.sourceId, batch.gaps);
      return true;
    });
  }

  async writeBuckets(
    lease: FlowSourceLease,
    batch: GoldmaneBatch,
    state: { status: FlowSourceStatus; reason: string | null; flowsPerSecond: number },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const clusterId = await advanceSource(em, lease, batch, state);
      if (!clusterId) return false;
      // Per hour, one contribution per edge: what its buckets of that hour gained together.
      const byHour = new Map<number, Map<string, LiveEdgeContribution>>();
      for (const change of await setBuckets(em, lease.sourceId, batch.buckets)) {
        const hour = Math.floor(change.bucketStart.getTime() / HOUR_MS) * HOUR_MS;
        const edges = byHour.get(hour) ?? new Map<string, LiveEdgeContribution>();
        byHour.set(hour, edges);
        const key = edgeKey(change);
        const known = edges.get(key);
        if (known) {
          known.starts.listed += change.added;
          known.observations += change.firstTime ? 1 : 0;
          if (change.bucketStart < known.firstSeen!) known.firstSeen = change.bucketStart;
          if (change.bucketEnd > known.lastSeen!) known.lastSeen = change.bucketEnd;
          continue;
        }
        edges.set(key, {
          srcKey: change.srcKey,
          dstKey: change.dstKey,
          port: change.port,
          protocol: change.protocol,
          connections: 0,
          firstSeen: change.bucketStart,
          lastSeen: change.bucketEnd,
          verdicts: ['allowed'],
          addresses: [],
          origin: 'observed',
          starts: { src: 0, dst: 0, fwd: 0, unknown: 0, listed: change.added },
          observations: change.firstTime ? 1 : 0,
        });
      }
      for (const [hour, edges] of byHour) await addLiveEdges(em, clusterId, lease.sourceId, new Date(hour), [...edges.values()]);
      await insertGaps(em, lease.sourceId, batch.gaps);
      if (batch.newestFlowAt) {
        await em.query(`DELETE FROM goldmane_buckets WHERE source_id = $1 AND bucket_start < $2`, [
          lease.sourceId,
          new Date(batch.newestFlowAt.getTime() - GOLDMANE_BUCKETS_KEPT_MS),
        ]);
      }
      return true;
    });
  }

  async recordGap(lease: FlowSourceLease, gap: ObservationGap): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const held: unknown[] = await em.query(`SELECT 1 FROM flow_sources WHERE ${HOLDS_LEASE} FOR UPDATE`, leaseParams(lease));
      if (!held.length) return false;
      await insertGaps(em, lease.sourceId, [gap]);
      return true;
    });
  }

  async setStatus(lease: FlowSourceLease, status: FlowSourceStatus, reason: string | null): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH reported AS (UPDATE flow_sources SET status_since = CASE WHEN status = $4 AND status_reason IS NOT DISTINCT FROM $5 THEN status_since ELSE now() END,
         status = $4, status_reason = $5, flows_per_second = CASE WHEN $4 = 'connected' THEN flows_per_second ELSE 0 END
       WHERE ${HOLDS_LEASE} RETURNING id) SELECT id FROM reported`,
      [...leaseParams(lease), status, reason],
    );
    return rows.length > 0;
  }
}

/** In one transaction, refused (null) unless `lease` is still held: the checkpoint, counts and state a batch leaves. Returns the cluster. */
async function advanceSource(
  em: EntityManager,
  lease: FlowSourceLease,
  batch: Pick<CollectedBatch, 'checkpoint' | 'flows' | 'oldestFlowAt' | 'newestFlowAt'>,
  state: { status: FlowSourceStatus; reason: string | null; flowsPerSecond: number },
): Promise<string | null> {
  const [held]: Array<{ cluster_id: string }> = await em.query(
    `WITH written AS (UPDATE flow_sources SET
       checkpoint = COALESCE($4::jsonb, checkpoint),
       flows_total = flows_total + $5,
       observing_since = COALESCE(observing_since, $6),
       last_flow_at = GREATEST(last_flow_at, $7),
       flows_per_second = $8,
       status_since = CASE WHEN status = $9 THEN status_since ELSE now() END,
       status = $9,
       status_reason = $10
     WHERE ${HOLDS_LEASE} RETURNING cluster_id) SELECT cluster_id FROM written`,
    [
      ...leaseParams(lease),
      batch.checkpoint === null ? null : JSON.stringify(batch.checkpoint),
      batch.flows,
      batch.oldestFlowAt,
      batch.newestFlowAt,
      state.flowsPerSecond,
      state.status,
      state.reason,
    ],
  );
  return held?.cluster_id ?? null;
}

/** A batch's edges added to the dependency map and to the source's activity in `hour`. */
async function addLiveEdges(
  em: EntityManager,
  clusterId: string,
  sourceId: string,
  hour: Date,
  edges: readonly LiveEdgeContribution[],
): Promise<void> {
  for (let i = 0; i < edges.length; i += EDGE_CHUNK) {
    const chunk = edges.slice(i, i + EDGE_CHUNK);
    // Connections come from the hour's starts (addActivity); the edge takes the rest of the contribution here.
    const idByKey = await addToEdges(
      em,
      clusterId,
      chunk.map((e) => ({ ...e, connections: 0 })),
    );
    await addActivity(em, sourceId, hour, chunk, idByKey);
  }
}

/** Goldmane bucket rows are kept this long past the newest flow written: longer than Goldmane itself keeps a bucket. */
const GOLDMANE_BUCKETS_KEPT_MS = 2 * 3_600_000;
const HOUR_MS = 3_600_000;

/** What setting a batch's bucket counts changed, per edge and bucket. */
interface BucketChange {
  bucketStart: Date;
  bucketEnd: Date;
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  /** What the edge's connections in that bucket grew by (the larger reporting side). */
  added: number;
  /** True when the edge had nothing from this bucket before. */
  firstTime: boolean;
}

/**
 * Sets the counts of each (bucket start, flow key), and returns what that changed per edge and bucket:
 * per edge and bucket, the connections are the larger reporting side's sum, before and after. A flow
 * keeps the edge it was first attributed to, so a bucket received again moves nothing.
 */
async function setBuckets(em: EntityManager, sourceId: string, buckets: readonly GoldmaneBucketFlow[]): Promise<BucketChange[]> {
  if (!buckets.length) return [];
  const column = <T>(pick: (b: GoldmaneBucketFlow) => T) => buckets.map(pick);
  const perEdge = `SELECT bucket_start, edge_key, MAX(side) AS connections FROM (
      SELECT b.bucket_start, b.edge_key, b.reporter, SUM(b.connections) AS side FROM goldmane_buckets b
      JOIN (SELECT DISTINCT * FROM unnest($2::timestamptz[], $3::text[]) AS t(bucket_start, edge_key)) touched USING (bucket_start, edge_key)
      WHERE b.source_id = $1 GROUP BY 1, 2, 3) sides GROUP BY 1, 2`;
  const touched = [sourceId, column((b) => b.bucketStart), column((b) => edgeKey(b))];
  const before: Array<{ bucket_start: Date; edge_key: string; connections: string }> = await em.query(perEdge, touched);
  await em.query(
    `INSERT INTO goldmane_buckets (source_id, bucket_start, flow_key, edge_key, reporter, connections)
     SELECT $1, * FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[])
     ON CONFLICT (source_id, bucket_start, flow_key) DO UPDATE SET connections = excluded.connections`,
    [
      sourceId,
      column((b) => b.bucketStart),
      column((b) => b.flowKey),
      column((b) => edgeKey(b)),
      column((b) => b.reporter),
      column((b) => b.connections),
    ],
  );
  const after: Array<{ bucket_start: Date; edge_key: string; connections: string }> = await em.query(perEdge, touched);
  const slot = (start: Date, key: string) => `${start.getTime()}|${key}`;
  const was = new Map(before.map((r) => [slot(r.bucket_start, r.edge_key), Number(r.connections)]));
  const bucketOf = new Map(buckets.map((b) => [slot(b.bucketStart, edgeKey(b)), b]));
  const changes: BucketChange[] = [];
  for (const row of after) {
    const key = slot(row.bucket_start, row.edge_key);
    const previous = was.get(key);
    const added = Number(row.connections) - (previous ?? 0);
    const bucket = bucketOf.get(key);
    if (!bucket || (added === 0 && previous !== undefined)) continue;
    changes.push({ ...bucket, added, firstTime: previous === undefined });
  }
  return changes;
}

/**
 * Per edge, source and hour: connection starts (per reporting side) and observations summed, first and
 * last seen widened; the hour's connections are the listed starts plus the largest side. What that adds
 * to the hour's connections is added to the edge's, so an edge counts the same whether its flows came in
 * one batch or in many, before and after a restart.
 */
async function addActivity(
  em: EntityManager,
  sourceId: string,
  hour: Date,
  edges: readonly LiveEdgeContribution[],
  idByKey: ReadonlyMap<string, string>,
): Promise<void> {
  const column = <T>(pick: (e: LiveEdgeContribution) => T) => edges.map(pick);
  const side = (name: string) => `edge_activity.starts_${name} + excluded.starts_${name}`;
  const grown: Array<{ edge_id: string; added: string }> = await em.query(
    `WITH input AS (
       SELECT * FROM unnest($3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::timestamptz[], $11::timestamptz[])
         AS t(edge_id, s, d, f, u, l, o, fs, ls)),
     before AS (SELECT a.edge_id, a.connections FROM edge_activity a JOIN input USING (edge_id) WHERE a.source_id = $1 AND a.hour = $2),
     after AS (
       INSERT INTO edge_activity (edge_id, source_id, hour, starts_src, starts_dst, starts_fwd, starts_unknown, starts_listed, connections, observations, first_seen, last_seen)
       SELECT edge_id, $1, $2, s, d, f, u, l, l + GREATEST(s, d, f, u), o, fs, ls FROM input
       ON CONFLICT (edge_id, source_id, hour) DO UPDATE SET
         starts_src = ${side('src')},
         starts_dst = ${side('dst')},
         starts_fwd = ${side('fwd')},
         starts_unknown = ${side('unknown')},
         starts_listed = ${side('listed')},
         connections = ${side('listed')} + GREATEST(${side('src')}, ${side('dst')}, ${side('fwd')}, ${side('unknown')}),
         observations = edge_activity.observations + excluded.observations,
         first_seen = LEAST(edge_activity.first_seen, excluded.first_seen),
         last_seen = GREATEST(edge_activity.last_seen, excluded.last_seen)
       RETURNING edge_id, connections)
     SELECT after.edge_id, after.connections - COALESCE(before.connections, 0) AS added
     FROM after LEFT JOIN before USING (edge_id)`,
    [
      sourceId,
      hour,
      column((e) => idByKey.get(edgeKey(e))),
      column((e) => e.starts.src),
      column((e) => e.starts.dst),
      column((e) => e.starts.fwd),
      column((e) => e.starts.unknown),
      column((e) => e.starts.listed),
      column((e) => e.observations),
      column((e) => e.firstSeen),
      column((e) => e.lastSeen),
    ],
  );
  const added = grown.filter((g) => Number(g.added) !== 0);
  if (!added.length) return;
  await em.query(
    `UPDATE edges SET connections = edges.connections + g.added, updated_at = now()
     FROM unnest($1::uuid[], $2::bigint[]) AS g(id, added) WHERE edges.id = g.id`,
    [added.map((g) => g.edge_id), added.map((g) => g.added)],
  );
}

/** A gap is recorded once per start: a collector that resumes twice from one checkpoint finds the same gap. */
async function insertGaps(em: EntityManager, sourceId: string, gaps: readonly ObservationGap[]): Promise<void> {
  for (const gap of gaps) {
    await em.query(
      `INSERT INTO flow_source_gaps (source_id, gap_from, gap_to, reason) VALUES ($1, $2::timestamptz, GREATEST($2::timestamptz, $3::timestamptz), $4)
       ON CONFLICT (source_id, gap_from) DO UPDATE SET gap_to = GREATEST(flow_source_gaps.gap_to, excluded.gap_to)`,
      [sourceId, gap.from, gap.to, gap.reason],
    );
  }
}
