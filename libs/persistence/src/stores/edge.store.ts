import { keysetPage, type KeysetPage, type PageRequest } from '@bulkhead/contracts';
import type { BlockedAttemptRecord, EdgeFilter, EdgePosition, EdgeRecord, EdgeReview, EdgeStore } from '@bulkhead/inventory';
import type { DataSource } from 'typeorm';
import { EdgeEntity } from '../entities/flow.entities';
import { edgeKey } from './flow-import.store';
import { required } from './required';
import { likeEscaped } from './sql-fragments';

interface EdgeRow {
  id: string;
  key: string;
  cluster_id: string;
  src_key: string;
  dst_key: string;
  port: number;
  protocol: string;
  origin: EdgeRecord['origin'];
  review: EdgeReview;
  connections: string;
  first_seen: Date | null;
  last_seen: Date | null;
  verdicts: string[];
  addresses: string[];
  created_by: string | null;
  reviewed_by: string | null;
  review_comment: string | null;
  reviewed_at: Date | null;
  sources: Array<{ importId: string; format: string | null; connections: number; firstSeen: string | null; lastSeen: string | null }>;
}

/** Edges with their observations (per finished import, oldest first: a failed one is no source) in one statement, rather than hydrated entities and a second query. */
const SELECT_EDGES = `
  SELECT e.id, e.key, e.cluster_id, e.src_key, e.dst_key, e.port, e.protocol, e.origin, e.review, e.connections, e.first_seen, e.last_seen,
    e.verdicts, e.addresses, e.created_by, e.reviewed_by, e.review_comment, e.reviewed_at,
    COALESCE((SELECT jsonb_agg(jsonb_build_object('importId', o.import_id, 'format', i.format, 'connections', o.connections, 'firstSeen', o.first_seen, 'lastSeen', o.last_seen) ORDER BY o.first_seen ASC NULLS LAST, i.created_at)
              FROM edge_observations o JOIN flow_imports i ON i.id = o.import_id WHERE o.edge_id = e.id AND i.status = 'succeeded'), '[]'::jsonb) AS sources
  FROM edges e`;

const dateOf = (at: string | null) => (at === null ? null : new Date(at));

const toRecord = (e: EdgeRow): EdgeRecord => ({
  id: e.id,
  clusterId: e.cluster_id,
  srcKey: e.src_key,
  dstKey: e.dst_key,
  port: e.port,
  protocol: e.protocol,
  origin: e.origin,
  review: e.review,
  connections: Number(e.connections),
  firstSeen: e.first_seen,
  lastSeen: e.last_seen,
  verdicts: e.verdicts,
  addresses: e.addresses,
  createdBy: e.created_by,
  reviewedBy: e.reviewed_by,
  reviewComment: e.review_comment,
  reviewedAt: e.reviewed_at,
  sources: e.sources.map((s) => ({
    importId: s.importId,
    format: s.format,
    connections: s.connections,
    firstSeen: dateOf(s.firstSeen),
    lastSeen: dateOf(s.lastSeen),
  })),
});

/** `workload:<ns>/...` keys of one namespace, for LIKE; `_` and `%` in names are escaped. */
const namespacePattern = (ns: string) => `workload:${likeEscaped(ns)}/%`;

/** The WHERE conditions of a cluster's rows and their parameters; `where` adds one, its value a new parameter. */
function clusterConditions(column: string, clusterId: string) {
  const conditions = [`${column} = $1`];
  const params: unknown[] = [clusterId];
  const where = (condition: (param: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  return { conditions, params, where };
}

export class TypeOrmEdgeStore implements EdgeStore {
  constructor(private readonly db: DataSource) {}

  async list(clusterId: string, filter: EdgeFilter): Promise<EdgeRecord[]> {
    return (await this.rows(clusterId, filter, {})).map(toRecord);
  }

  async page(clusterId: string, filter: EdgeFilter, page: PageRequest<EdgePosition>): Promise<KeysetPage<EdgeRecord, EdgePosition>> {
    const rows = await this.rows(clusterId, filter, { after: page.after?.key, limit: page.limit + 1 });
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ key: row.key }));
    return { items: items.map(toRecord), next };
  }

  /** The cluster's edges that pass the filter, in key order: after a key, and at most `limit`, when given. */
  private rows(clusterId: string, filter: EdgeFilter, range: { after?: string; limit?: number }): Promise<EdgeRow[]> {
    const { conditions, params, where } = clusterConditions('e.cluster_id', clusterId);
    if (filter.namespace) where((p) => `(e.src_key LIKE ${p} OR e.dst_key LIKE ${p})`, namespacePattern(filter.namespace));
    if (filter.review) where((p) => `e.review = ${p}`, filter.review);
    if (filter.origin) where((p) => `e.origin = ${p}`, filter.origin);
    if (range.after !== undefined) where((p) => `e.key > ${p}`, range.after);
    const limit = range.limit === undefined ? '' : ` LIMIT ${Number(range.limit)}`;
    return this.db.query(`${SELECT_EDGES} WHERE ${conditions.join(' AND ')} ORDER BY e.key${limit}`, params);
  }

  async blocked(
    clusterId: string,
    filter: Pick<EdgeFilter, 'namespace'>,
    page: PageRequest<EdgePosition>,
  ): Promise<KeysetPage<BlockedAttemptRecord, EdgePosition>> {
    const { conditions, params, where } = clusterConditions('b.cluster_id', clusterId);
    if (filter.namespace) where((p) => `(b.src_key LIKE ${p} OR b.dst_key LIKE ${p})`, namespacePattern(filter.namespace));
    if (page.after !== undefined) where((p) => `b.key > ${p}`, page.after.key);
    const rows: Array<{
      id: string;
      key: string;
      src_key: string;
      dst_key: string;
      port: number;
      protocol: string;
      attempts: string;
      first_seen: Date | null;
      last_seen: Date | null;
      reasons: string[];
      last_import_id: string | null;
      last_import_format: string | null;
    }> = await this.db.query(
      `SELECT b.id, b.key, b.src_key, b.dst_key, b.port, b.protocol, b.attempts, b.first_seen, b.last_seen, b.reasons,
         b.last_import_id, i.format AS last_import_format
       FROM blocked_attempts b LEFT JOIN flow_imports i ON i.id = b.last_import_id
       WHERE ${conditions.join(' AND ')} ORDER BY b.key LIMIT ${Number(page.limit) + 1}`,
      params,
    );
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ key: row.key }));
    return {
      items: items.map((r) => ({
        id: r.id,
        srcKey: r.src_key,
        dstKey: r.dst_key,
        port: r.port,
        protocol: r.protocol,
        attempts: Number(r.attempts),
        firstSeen: r.first_seen,
        lastSeen: r.last_seen,
        reasons: r.reasons,
        lastSource: r.last_import_id === null ? null : { importId: r.last_import_id, format: r.last_import_format },
      })),
      next,
    };
  }

  async get(id: string): Promise<EdgeRecord | null> {
    const [row]: EdgeRow[] = await this.db.query(`${SELECT_EDGES} WHERE e.id = $1`, [id]);
    return row ? toRecord(row) : null;
  }

  async declare(
    clusterId: string,
    edge: { srcKey: string; dstKey: string; port: number; protocol: string },
    by: string,
    comment: string | null,
    at: Date,
  ) {
    const [row]: Array<{ id: string; created: boolean }> = await this.db.query(
      `INSERT INTO edges (cluster_id, key, src_key, dst_key, port, protocol, origin, review, created_by, reviewed_by, review_comment, reviewed_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'manual', 'confirmed', $7, $7, $8, $9)
       ON CONFLICT (cluster_id, key) DO UPDATE SET review = 'confirmed', reviewed_by = $7, review_comment = COALESCE($8, edges.review_comment), reviewed_at = $9, updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [clusterId, edgeKey(edge), edge.srcKey, edge.dstKey, edge.port, edge.protocol, by, comment, at],
    );
    const { id, created } = required(row, 'row for the upserted edge');
    return { edge: (await this.get(id))!, created };
  }

  async review(
    id: string,
    review: Exclude<EdgeReview, 'unreviewed'>,
    by: string,
    comment: string | null,
    at: Date,
  ): Promise<EdgeRecord | null> {
    const result = await this.db
      .getRepository(EdgeEntity)
      .update({ id }, { review, reviewedBy: by, reviewComment: comment, reviewedAt: at });
    return (result.affected ?? 0) > 0 ? this.get(id) : null;
  }
}
