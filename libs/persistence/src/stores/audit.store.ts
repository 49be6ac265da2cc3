import {
  type AuditEntry,
  type AuditLog,
  type AuditPosition,
  type AuditQuery,
  type AuditRecord,
  type ChainLink,
  type ChainVerdict,
  verifyChain,
} from '@bulkhead/audit';
import { keysetPage, type KeysetPage, type PageRequest } from '@bulkhead/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { likeEscaped } from './sql-fragments';

interface Row {
  id: string;
  at: Date;
  actor: string;
  action: string;
  cluster_id: string | null;
  target: string | null;
  details: Record<string, unknown>;
  before: unknown;
  after: unknown;
  position: string;
  previous_hash: string;
  hash: string;
}

const toRecord = (r: Row): AuditRecord => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  clusterId: r.cluster_id,
  target: r.target,
  details: r.details,
  before: r.before ?? undefined,
  after: r.after ?? undefined,
  position: Number(r.position),
  previousHash: r.previous_hash,
  hash: r.hash,
});

/** The columns of an audit record, hashes in hex. */
const RECORD_COLUMNS = `id, at, actor, action, cluster_id, target, details, before, after, position, encode(previous_hash, 'hex') AS previous_hash, encode(hash, 'hex') AS hash`;

/** Entries read per round trip while the chain is verified. */
const VERIFY_PAGE = 1000;

/** Writes an audit entry with the given connection: pass a transaction's manager to log in that transaction. */
export function writeAudit(db: DataSource | EntityManager, entry: AuditEntry): Promise<void> {
  return writeAuditEntries(db, [entry]);
}

/**
 * Audit entries as the arrays of an `unnest`, and the `INSERT ... SELECT` that appends them in order,
 * its parameters numbered from `first`. `from` adds relations to the SELECT (a CTE that must have
 * produced a row for anything to be written).
 */
export function auditInsert(entries: readonly AuditEntry[], first: number, from = ''): { sql: string; params: unknown[] } {
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  const $ = (i: number) => `$${first + i}`;
  return {
    sql: `INSERT INTO audit_log (actor, action, cluster_id, target, details, before, after)
      SELECT e.actor, e.action, e.cluster_id, e.target, e.details, e.before, e.after
      FROM ${from ? `${from}, ` : ''}unnest(${$(0)}::text[], ${$(1)}::text[], ${$(2)}::uuid[], ${$(3)}::text[], ${$(4)}::jsonb[], ${$(5)}::jsonb[], ${$(6)}::jsonb[])
        WITH ORDINALITY AS e(actor, action, cluster_id, target, details, before, after, n)
      ORDER BY e.n`,
    params: [
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => e.clusterId ?? null),
      entries.map((e) => e.target ?? null),
      entries.map((e) => JSON.stringify(e.details ?? {})),
      entries.map((e) => json(e.before)),
      entries.map((e) => json(e.after)),
    ],
  };
}

/** Appends entries in one statement, in the order given (ids follow it). */
export async function writeAuditEntries(db: DataSource | EntityManager, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const { sql, params } = auditInsert(entries, 1);
  await db.query(sql, params);
}

export class PostgresAuditLog implements AuditLog {
  constructor(private readonly db: DataSource) {}

  record(entry: AuditEntry): Promise<void> {
    return writeAudit(this.db, entry);
  }

  async size(): Promise<number> {
    const [row]: Array<{ size: string | null }> = await this.db.query(`SELECT max(position) AS size FROM audit_log`);
    return Number(row?.size ?? 0);
  }

  async query(q: AuditQuery, page: PageRequest<AuditPosition>): Promise<KeysetPage<AuditRecord, AuditPosition>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.clusterId) add('cluster_id = ?', q.clusterId);
    if (q.actor) add('actor = ?', q.actor);
    // A prefix as LIKE (its wildcards escaped), which the action index (text_pattern_ops) serves.
    if (q.action)
      add(q.action.endsWith('.') ? 'action LIKE ?' : 'action = ?', q.action.endsWith('.') ? `${likeEscaped(q.action)}%` : q.action);
    if (q.text) add('(target ILIKE ? OR details::text ILIKE ?)', `%${likeEscaped(q.text)}%`);
    if (q.since) add('at >= ?', q.since);
    if (page.after) add('id < ?', page.after.id);
    params.push(page.limit + 1);
    const rows: Row[] = await this.db.query(
      `SELECT ${RECORD_COLUMNS} FROM audit_log
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ id: String(row.id) }));
    return { items: items.map(toRecord), next };
  }

  async verify(): Promise<ChainVerdict> {
    const [{ genesis }] = await this.db.query(`SELECT encode(audit_log_genesis_hash(), 'hex') AS genesis`);
    return verifyChain(genesis, this.links());
  }

  /** The chain in position order, a page at a time, each entry's hash recomputed by the database. */
  private async *links(): AsyncGenerator<ChainLink[]> {
    for (let after = 0; ;) {
      const rows: Array<{ position: string; previous_hash: string; hash: string; recomputed_hash: string }> = await this.db.query(
        `SELECT position, encode(previous_hash, 'hex') AS previous_hash, encode(hash, 'hex') AS hash,
           encode(audit_log_entry_hash(position, at, actor, action, cluster_id, target, details, before, after, previous_hash), 'hex') AS recomputed_hash
         FROM audit_log WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, VERIFY_PAGE],
      );
      const last = rows.at(-1);
      if (!last) return;
      yield rows.map((r) => ({
        position: Number(r.position),
        previousHash: r.previous_hash,
        hash: r.hash,
        recomputedHash: r.recomputed_hash,
      }));
      after = Number(last.position);
    }
  }
}

/**
 * Each outside sink's cursor: the position it has received up to. `shipNext` hands the entries after
 * it, in chain order, to `deliver` and moves the cursor once `deliver` has succeeded, all while it
 * holds the cursor's row lock, so that two workers never deliver to one sink at once. A failed or
 * interrupted delivery leaves the cursor where it was: entries are delivered at least once.
 */
export class PostgresAuditSinkCursor {
  constructor(private readonly db: DataSource) {}

  /** The number of entries delivered (0 when there were none), or `busy` when another worker holds the sink. */
  async shipNext(sink: string, limit: number, deliver: (records: AuditRecord[]) => Promise<void>): Promise<number | 'busy'> {
    await this.db.query(`INSERT INTO audit_sink_cursors (sink) VALUES ($1) ON CONFLICT (sink) DO NOTHING`, [sink]);
    return this.db.transaction(async (em) => {
      const [cursor] = await em.query(`SELECT delivered_position FROM audit_sink_cursors WHERE sink = $1 FOR UPDATE SKIP LOCKED`, [sink]);
      if (!cursor) return 'busy';
      // Positions are taken under a lock held until commit, so none below a visible one is still to come.
      const rows: Row[] = await em.query(`SELECT ${RECORD_COLUMNS} FROM audit_log WHERE position > $1 ORDER BY position LIMIT $2`, [
        cursor.delivered_position,
        limit,
      ]);
      const last = rows.at(-1);
      if (!last) return 0;
      await deliver(rows.map(toRecord));
      await em.query(`UPDATE audit_sink_cursors SET delivered_position = $2, updated_at = now() WHERE sink = $1`, [sink, last.position]);
      return rows.length;
    });
  }
}
