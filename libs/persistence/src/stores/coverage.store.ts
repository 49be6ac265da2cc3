import { keysetPage, type KeysetPage, type PageRequest, type Tier } from '@bulkhead/contracts';
import type { CoverageStore, EdgeActivity, NamespacePosition, Observation } from '@bulkhead/inventory';
import type { DataSource } from 'typeorm';

/** What the dependency map and the flow sources say about how well a cluster was observed. */
export class PostgresCoverageStore implements CoverageStore {
  constructor(private readonly db: DataSource) {}

  async observations(clusterId: string, now: Date): Promise<Observation[]> {
    const sources: Array<{ from: Date; to: Date; gaps: Array<{ from: string; to: string }> }> = await this.db.query(
      `SELECT s.observing_since AS "from",
         CASE WHEN s.enabled AND s.status = 'connected' THEN GREATEST($2::timestamptz, s.last_flow_at) ELSE s.last_flow_at END AS "to",
         COALESCE((SELECT jsonb_agg(jsonb_build_object('from', g.gap_from, 'to', g.gap_to)) FROM flow_source_gaps g WHERE g.source_id = s.id), '[]') AS gaps
       FROM flow_sources s WHERE s.cluster_id = $1 AND s.observing_since IS NOT NULL AND s.last_flow_at IS NOT NULL`,
      [clusterId, now],
    );
    const imports: Array<{ from: Date; to: Date }> = await this.db.query(
      `SELECT min(o.first_seen) AS "from", max(o.last_seen) AS "to"
       FROM edge_observations o JOIN flow_imports i ON i.id = o.import_id
       WHERE i.cluster_id = $1 AND o.first_seen IS NOT NULL AND o.last_seen IS NOT NULL GROUP BY i.id`,
      [clusterId],
    );
    return [
      ...sources.map((s) => ({ from: s.from, to: s.to, gaps: s.gaps.map((g) => ({ from: new Date(g.from), to: new Date(g.to) })) })),
      ...imports.map((i) => ({ from: i.from, to: i.to, gaps: [] })),
    ];
  }

  async namespaces(
    clusterId: string,
    page: PageRequest<NamespacePosition>,
  ): Promise<KeysetPage<{ name: string; tier: Tier | null }, NamespacePosition>> {
    const rows: Array<{ name: string; tier: Tier | null }> = await this.db.query(
      `SELECT name, COALESCE(tier_override, label_tier) AS tier FROM namespaces
       WHERE cluster_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3`,
      [clusterId, page.after?.namespace ?? null, page.limit + 1],
    );
    return keysetPage(rows, page.limit, (row) => ({ namespace: row.name }));
  }

  workloads(clusterId: string, namespaces: readonly string[]): Promise<Array<{ namespace: string; name: string; kind: string }>> {
    return this.db.query(
      `SELECT namespace, name, kind FROM workloads WHERE cluster_id = $1 AND namespace = ANY($2::text[]) ORDER BY namespace, name, kind`,
      [clusterId, namespaces],
    );
  }

  async edgesTouching(clusterId: string, endpointKeys: readonly string[]): Promise<EdgeActivity[]> {
    const rows: Array<{ src_key: string; dst_key: string; port: number; protocol: string; last_seen: Date | null; hours: Date[] }> =
      await this.db.query(
        `SELECT e.src_key, e.dst_key, e.port, e.protocol, e.last_seen,
           ARRAY(SELECT DISTINCT a.hour FROM edge_activity a WHERE a.edge_id = e.id AND a.connections > 0 ORDER BY a.hour) AS hours
         FROM edges e WHERE e.cluster_id = $1 AND (e.src_key = ANY($2::text[]) OR e.dst_key = ANY($2::text[]))
         ORDER BY e.key`,
        [clusterId, endpointKeys],
      );
    return rows.map((r) => ({
      srcKey: r.src_key,
      dstKey: r.dst_key,
      port: r.port,
      protocol: r.protocol,
      lastSeen: r.last_seen,
      activeHours: r.hours.map((hour) => new Date(hour).getTime()),
    }));
  }
}
