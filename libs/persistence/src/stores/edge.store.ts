import type { EdgeFilter, EdgeRecord, EdgeReview, EdgeStore } from '@bulkhead/inventory';
import type { DataSource } from 'typeorm';
import { EdgeEntity, EdgeObservationEntity } from '../entities/flow.entities';
import { edgeKey } from './flow-import.store';

const toRecord = (e: EdgeEntity, sources: EdgeObservationEntity[]): EdgeRecord => ({
  id: e.id,
  clusterId: e.clusterId,
  srcKey: e.srcKey,
  dstKey: e.dstKey,
  port: e.port,
  protocol: e.protocol,
  origin: e.origin,
  review: e.review,
  connections: e.connections,
  firstSeen: e.firstSeen,
  lastSeen: e.lastSeen,
  verdicts: e.verdicts,
  addresses: e.addresses,
  createdBy: e.createdBy,
  reviewedBy: e.reviewedBy,
  reviewComment: e.reviewComment,
  reviewedAt: e.reviewedAt,
  sources: sources.map((s) => ({ importId: s.importId, connections: s.connections, firstSeen: s.firstSeen, lastSeen: s.lastSeen })),
});

/** `workload:<ns>/...` keys of one namespace, for LIKE; `_` and `%` in names are escaped. */
const namespacePattern = (ns: string) => `workload:${ns.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`;

export class TypeOrmEdgeStore implements EdgeStore {
  constructor(private readonly db: DataSource) {}

  private async withSources(edges: EdgeEntity[]): Promise<EdgeRecord[]> {
    if (edges.length === 0) return [];
    const observations = await this.db
      .getRepository(EdgeObservationEntity)
      .createQueryBuilder('o')
      .where('o.edge_id = ANY(:ids)', { ids: edges.map((e) => e.id) })
      .orderBy('o.first_seen', 'ASC', 'NULLS LAST')
      .getMany();
    const byEdge = new Map<string, EdgeObservationEntity[]>();
    for (const o of observations) byEdge.set(o.edgeId, [...(byEdge.get(o.edgeId) ?? []), o]);
    return edges.map((e) => toRecord(e, byEdge.get(e.id) ?? []));
  }

  async list(clusterId: string, filter: EdgeFilter): Promise<EdgeRecord[]> {
    const q = this.db.getRepository(EdgeEntity).createQueryBuilder('e').where('e.cluster_id = :clusterId', { clusterId });
    if (filter.namespace) q.andWhere('(e.src_key LIKE :ns OR e.dst_key LIKE :ns)', { ns: namespacePattern(filter.namespace) });
    if (filter.review) q.andWhere('e.review = :review', { review: filter.review });
    if (filter.origin) q.andWhere('e.origin = :origin', { origin: filter.origin });
    return this.withSources(await q.orderBy('e.key', 'ASC').getMany());
  }

  async get(id: string): Promise<EdgeRecord | null> {
    const e = await this.db.getRepository(EdgeEntity).findOneBy({ id });
    return e ? (await this.withSources([e]))[0] : null;
  }

  async declare(clusterId: string, edge: { srcKey: string; dstKey: string; port: number; protocol: string }, by: string, comment: string | null, at: Date) {
    const rows: Array<{ id: string; created: boolean }> = await this.db.query(
      `INSERT INTO edges (cluster_id, key, src_key, dst_key, port, protocol, origin, review, created_by, reviewed_by, review_comment, reviewed_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'manual', 'confirmed', $7, $7, $8, $9)
       ON CONFLICT (cluster_id, key) DO UPDATE SET review = 'confirmed', reviewed_by = $7, review_comment = COALESCE($8, edges.review_comment), reviewed_at = $9, updated_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [clusterId, edgeKey(edge), edge.srcKey, edge.dstKey, edge.port, edge.protocol, by, comment, at],
    );
    return { edge: (await this.get(rows[0].id))!, created: rows[0].created };
  }

  async review(id: string, review: Exclude<EdgeReview, 'unreviewed'>, by: string, comment: string | null, at: Date): Promise<EdgeRecord | null> {
    const result = await this.db.getRepository(EdgeEntity).update({ id }, { review, reviewedBy: by, reviewComment: comment, reviewedAt: at });
    return (result.affected ?? 0) > 0 ? this.get(id) : null;
  }
}
