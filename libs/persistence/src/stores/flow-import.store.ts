import {
  type FlowImportProgress,
  type FlowImportWarning,
  keysetPage,
  type KeysetPage,
  type NewestFirstPosition,
  type PageRequest,
} from '@bulkhead/contracts';
import {
  MAX_BLOCKED_ATTEMPTS_PER_CLUSTER,
  type BlockedContribution,
  type EdgeContribution,
  type FlowImportRecord,
  type FlowImportStore,
  type KeptFlow,
  type Reattribution,
} from '@bulkhead/inventory';
import type { DataSource, EntityManager } from 'typeorm';
import { FlowImportEntity } from '../entities/flow.entities';
import { isUniqueViolation } from './cluster.store';
import { required } from './required';
import { exactInstant } from './sql-fragments';

const toRecord = (e: FlowImportEntity): FlowImportRecord => ({
  id: e.id,
  clusterId: e.clusterId,
  status: e.status,
  format: e.format,
  fileName: e.fileName,
  sha256: e.sha256,
  sizeBytes: e.sizeBytes,
  storagePath: e.storagePath,
  progress: e.progress as unknown as FlowImportProgress,
  error: e.error,
  warnings: e.warnings as FlowImportWarning[],
  unattributed: { waiting: e.unattributedWaiting, notKept: e.unattributedNotKept, attributedLater: e.attributedLater },
  duplicateOf: e.duplicateOf,
  createdBy: e.createdBy,
  createdAt: e.createdAt,
  startedAt: e.startedAt,
  finishedAt: e.finishedAt,
});

/** Edges written per statement. */
export const EDGE_CHUNK = 2000;

export const edgeKey = (e: { srcKey: string; dstKey: string; port: number; protocol: string }): string =>
  `${e.srcKey}>${e.dstKey}:${e.port}/${e.protocol}`;

/**
 * Adds observed contributions to their edges (created when new): connections summed, first and last seen
 * widened, verdicts and addresses united. The one way observed traffic enters the map, from a file
 * import or a live collector. Returns each edge's id by its key.
 */
export async function addToEdges(em: EntityManager, clusterId: string, edges: readonly EdgeContribution[]): Promise<Map<string, string>> {
  const column = <T>(pick: (e: EdgeContribution) => T) => edges.map(pick);
  const upserted: Array<{ id: string; key: string }> = await em.query(
    `INSERT INTO edges (cluster_id, key, src_key, dst_key, port, protocol, origin, connections, first_seen, last_seen, verdicts, addresses)
     SELECT $1, k, s, d, p, pr, o, c, f, l, string_to_array(v, ','), string_to_array(a, ',')
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[], $8::timestamptz[], $9::timestamptz[], $10::text[], $11::text[], $12::text[])
       AS t(k, s, d, p, pr, c, f, l, v, a, o)
     ON CONFLICT (cluster_id, key) DO UPDATE SET
       origin = CASE WHEN edges.origin = 'declared' AND excluded.origin = 'observed' THEN 'observed' ELSE edges.origin END,
       connections = edges.connections + excluded.connections,
       first_seen = LEAST(edges.first_seen, excluded.first_seen),
       last_seen = GREATEST(edges.last_seen, excluded.last_seen),
       verdicts = ARRAY(SELECT DISTINCT x FROM unnest(edges.verdicts || excluded.verdicts) AS x ORDER BY x),
       addresses = ARRAY(SELECT DISTINCT x FROM unnest(edges.addresses || excluded.addresses) AS x ORDER BY x LIMIT 64),
       updated_at = now()
     RETURNING id, key`,
    [
      clusterId,
      column(edgeKey),
      column((e) => e.srcKey),
      column((e) => e.dstKey),
      column((e) => e.port),
      column((e) => e.protocol),
      column((e) => e.connections),
      column((e) => e.firstSeen),
      column((e) => e.lastSeen),
      column((e) => e.verdicts.join(',')),
      column((e) => e.addresses.join(',')),
      column((e) => e.origin),
    ],
  );
  return new Map(upserted.map((r) => [r.key, r.id]));
}

/**
 * Adds one import's contributions to their edges and records them as that import's evidence; evidence the
 * import already has on an edge (flows of it attributed later) grows.
 */
async function addEvidence(em: EntityManager, clusterId: string, importId: string, edges: readonly EdgeContribution[]): Promise<void> {
  for (let i = 0; i < edges.length; i += EDGE_CHUNK) {
    const chunk = edges.slice(i, i + EDGE_CHUNK);
    const column = <T>(pick: (e: EdgeContribution) => T) => chunk.map(pick);
    const idByKey = await addToEdges(em, clusterId, chunk);
    await em.query(
      `INSERT INTO edge_observations (edge_id, import_id, connections, first_seen, last_seen, verdicts)
       SELECT e, $1, c, f, l, string_to_array(v, ',')
       FROM unnest($2::uuid[], $3::bigint[], $4::timestamptz[], $5::timestamptz[], $6::text[]) AS t(e, c, f, l, v)
       ON CONFLICT (edge_id, import_id) DO UPDATE SET
         connections = edge_observations.connections + excluded.connections,
         first_seen = LEAST(edge_observations.first_seen, excluded.first_seen),
         last_seen = GREATEST(edge_observations.last_seen, excluded.last_seen),
         verdicts = ARRAY(SELECT DISTINCT x FROM unnest(edge_observations.verdicts || excluded.verdicts) AS x ORDER BY x)`,
      [
        importId,
        column((e) => idByKey.get(edgeKey(e))),
        column((e) => e.connections),
        column((e) => e.firstSeen),
        column((e) => e.lastSeen),
        column((e) => e.verdicts.join(',')),
      ],
    );
  }
}

/** Kept flows written per statement. */
const KEPT_CHUNK = 1000;

/** One cluster's kept flows are written and attributed one transaction at a time. */
const lockKeptFlows = (em: EntityManager, clusterId: string) =>
  em.query(`SELECT pg_advisory_xact_lock(hashtextextended('unattributed_flows:' || $1, 0))`, [clusterId]);

export class TypeOrmFlowImportStore implements FlowImportStore {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(FlowImportEntity);
  }

  async create(input: Parameters<FlowImportStore['create']>[0]): Promise<FlowImportRecord> {
    const base = {
      ...input,
      progress: input.progress as unknown as Record<string, unknown>,
      format: null,
      error: null,
      warnings: [],
      unattributedWaiting: 0,
      unattributedNotKept: 0,
      attributedLater: 0,
      startedAt: null,
      finishedAt: null,
    };
    try {
      return toRecord(await this.repo.save(this.repo.create({ ...base, status: 'queued', duplicateOf: null })));
    } catch (error) {
      if (!isUniqueViolation(error, 'uq_flow_imports_cluster_content')) throw error;
    }
    const original = await this.repo
      .createQueryBuilder('i')
      .where('i.cluster_id = :clusterId AND i.sha256 = :sha256 AND i.duplicate_of IS NULL AND i.status <> :failed', {
        clusterId: input.clusterId,
        sha256: input.sha256,
        failed: 'failed',
      })
      .getOneOrFail();
    const now = new Date();
    return toRecord(
      await this.repo.save(
        this.repo.create({
          ...base,
          storagePath: null,
          status: 'succeeded',
          duplicateOf: original.id,
          format: original.format,
          startedAt: now,
          finishedAt: now,
        }),
      ),
    );
  }

  async get(id: string): Promise<FlowImportRecord | null> {
    const e = await this.repo.findOneBy({ id });
    return e && toRecord(e);
  }

  async page(
    clusterId: string,
    filter: { status?: FlowImportRecord['status'] },
    page: PageRequest<NewestFirstPosition>,
  ): Promise<KeysetPage<FlowImportRecord, NewestFirstPosition>> {
    const query = this.repo
      .createQueryBuilder('i')
      .addSelect(exactInstant('i.created_at'), 'position_at')
      .where('i.cluster_id = :clusterId', { clusterId })
      .orderBy('i.created_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(page.limit + 1);
    if (filter.status) query.andWhere('i.status = :status', { status: filter.status });
    if (page.after) query.andWhere('(i.created_at, i.id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))', page.after);
    const { raw, entities } = await query.getRawAndEntities<{ position_at: string }>();
    const rows = entities.map((entity, i) => ({
      record: toRecord(entity),
      at: required(raw[i], 'raw columns of a flow import').position_at,
    }));
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ at: row.at, id: row.record.id }));
    return { items: items.map((row) => row.record), next };
  }

  async claim(id: string, at: Date): Promise<FlowImportRecord | null> {
    const rows: FlowImportEntity[] = await this.db.query(
      `UPDATE flow_imports SET status = 'running', started_at = COALESCE(started_at, $2)
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id, at],
    );
    return rows.length ? this.get(id) : null;
  }

  async saveProgress(id: string, progress: FlowImportProgress, format: string | null): Promise<void> {
    await this.db.query(`UPDATE flow_imports SET progress = $2, format = $3 WHERE id = $1 AND status = 'running'`, [
      id,
      JSON.stringify(progress),
      format,
    ]);
  }

  async complete(id: string, result: Parameters<FlowImportStore['complete']>[1], at: Date): Promise<{ kept: number }> {
    return this.db.transaction(async (em) => {
      const [current] = await em.query(`SELECT cluster_id, status FROM flow_imports WHERE id = $1 FOR UPDATE`, [id]);
      if (!current || current.status !== 'running') return { kept: 0 }; // finished by an earlier run of the same job
      await addEvidence(em, current.cluster_id, id, result.edges);
      let kept = 0;
      if (result.unattributed.length > 0) {
        await lockKeptFlows(em, current.cluster_id);
        const [{ n }] = await em.query(`SELECT count(*)::int AS n FROM unattributed_flows WHERE cluster_id = $1`, [current.cluster_id]);
        const room = result.unattributed.slice(0, Math.max(0, result.keepAtMost - n));
        for (let i = 0; i < room.length; i += KEPT_CHUNK) {
          await em.query(
            `INSERT INTO unattributed_flows (cluster_id, import_id, record) SELECT $1, $2, r FROM unnest($3::jsonb[]) AS t(r)`,
            [current.cluster_id, id, room.slice(i, i + KEPT_CHUNK).map((record) => JSON.stringify(record))],
          );
        }
        kept = room.length;
      }
      await addBlockedAttempts(em, current.cluster_id, id, result.blocked);
      await em.query(
        `UPDATE flow_imports SET status = 'succeeded', format = $2, progress = $3, finished_at = $4, storage_path = NULL,
           warnings = $5, unattributed_waiting = $6, unattributed_not_kept = $7 WHERE id = $1`,
        [id, result.format, JSON.stringify(result.progress), at, JSON.stringify(result.warnings), kept, result.mayBeAttributedLater - kept],
      );
      return { kept };
    });
  }

  async reattribute(
    clusterId: string,
    attribute: (kept: KeptFlow[]) => Promise<Reattribution>,
  ): Promise<{ attributed: number; waiting: number }> {
    return this.db.transaction(async (em) => {
      await lockKeptFlows(em, clusterId);
      const rows: Array<{ id: string; import_id: string; record: KeptFlow['record'] }> = await em.query(
        `SELECT id::text, import_id, record FROM unattributed_flows WHERE cluster_id = $1 ORDER BY id`,
        [clusterId],
      );
      const found = await attribute(rows.map((r) => ({ id: r.id, importId: r.import_id, record: r.record })));
      for (const { importId, flows, edges, blocked } of found.byImport) {
        await addEvidence(em, clusterId, importId, edges);
        await addBlockedAttempts(em, clusterId, importId, blocked);
        await em.query(
          `UPDATE flow_imports SET unattributed_waiting = unattributed_waiting - $2, attributed_later = attributed_later + $2 WHERE id = $1`,
          [importId, flows],
        );
      }
      if (found.attributedIds.length > 0)
        await em.query(`DELETE FROM unattributed_flows WHERE id = ANY($1::bigint[])`, [found.attributedIds]);
      return { attributed: found.attributedIds.length, waiting: rows.length - found.attributedIds.length };
    });
  }

  async fail(id: string, error: string, progress: FlowImportProgress, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE flow_imports SET status = 'failed', error = $2, progress = $3, finished_at = $4, storage_path = NULL WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, error, JSON.stringify(progress), at],
    );
  }

  async unfinished(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM flow_imports WHERE status IN ('queued', 'running') ORDER BY created_at`,
    );
    return rows.map((r) => r.id);
  }
}

/**
 * Adds an import's blocked attempts to the cluster's, one row per key (attempts summed, the widest time
 * span, the reasons united), then keeps the MAX_BLOCKED_ATTEMPTS_PER_CLUSTER seen most recently.
 */
async function addBlockedAttempts(em: EntityManager, clusterId: string, importId: string, blocked: BlockedContribution[]): Promise<void> {
  if (blocked.length === 0) return;
  for (let i = 0; i < blocked.length; i += EDGE_CHUNK) {
    const chunk = blocked.slice(i, i + EDGE_CHUNK);
    const column = <T>(pick: (b: BlockedContribution) => T) => chunk.map(pick);
    await em.query(
      `INSERT INTO blocked_attempts (cluster_id, key, src_key, dst_key, port, protocol, attempts, first_seen, last_seen, reasons, last_import_id)
       SELECT $1, k, s, d, p, pr, n, f, l, string_to_array(r, E'\\n'), $11
       FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::bigint[], $8::timestamptz[], $9::timestamptz[], $10::text[])
         AS t(k, s, d, p, pr, n, f, l, r)
       ON CONFLICT (cluster_id, key) DO UPDATE SET
         attempts = blocked_attempts.attempts + excluded.attempts,
         first_seen = LEAST(blocked_attempts.first_seen, excluded.first_seen),
         last_seen = GREATEST(blocked_attempts.last_seen, excluded.last_seen),
         reasons = ARRAY(SELECT DISTINCT x FROM unnest(blocked_attempts.reasons || excluded.reasons) AS x ORDER BY x LIMIT 16),
         last_import_id = excluded.last_import_id`,
      [
        clusterId,
        column(edgeKey),
        column((b) => b.srcKey),
        column((b) => b.dstKey),
        column((b) => b.port),
        column((b) => b.protocol),
        column((b) => b.attempts),
        column((b) => b.firstSeen),
        column((b) => b.lastSeen),
        column((b) => b.reasons.join('\n')),
        importId,
      ],
    );
  }
  await em.query(
    `DELETE FROM blocked_attempts WHERE id IN (
       SELECT id FROM blocked_attempts WHERE cluster_id = $1 ORDER BY last_seen DESC NULLS LAST, key OFFSET $2)`,
    [clusterId, MAX_BLOCKED_ATTEMPTS_PER_CLUSTER],
  );
}
