import { keysetPage, type KeysetPage, type NewestFirstPosition, type PageRequest } from '@bulkhead/contracts';
import type { ProtectionSource } from '@bulkhead/inventory';
import {
  type AuditEntry,
  type RolloutListFilter,
  type RolloutListing,
  type RolloutOutline,
  type RolloutStall,
  type RolloutState,
  type RolloutStatus,
  type RolloutStore,
  type TransitionResult,
  clusterBusy,
} from '@bulkhead/rollout';
import { GroupCommit, KeyedQueue, Semaphore, type Settled, SingleFlight, VersionedCache } from '@bulkhead/concurrency';
import type { DataSource, EntityManager } from 'typeorm';
import { auditInsert, writeAudit, writeAuditEntries } from './audit.store';
import { isUniqueViolation } from './cluster.store';
import { exactInstant } from './sql-fragments';

/** The domain's audit entries of a change, as rows of the audit log. */
function auditRows(state: RolloutState, entries: readonly AuditEntry[]) {
  return entries.map((e) => {
    const { before, after, ...detail } = (e.detail ?? {}) as Record<string, unknown>;
    return {
      actor: e.actor ?? 'system:rollout',
      action: e.action,
      clusterId: state.clusterId,
      target: e.namespace ?? state.id,
      details: {
        rolloutId: state.id,
        version: e.version,
        ...(e.stepId ? { stepId: e.stepId } : {}),
        ...(e.tier ? { tier: e.tier } : {}),
        ...detail,
      },
      before,
      after,
    };
  });
}

type Queryable = Pick<EntityManager, 'query'>;

/** A change waiting to be decided and written together with the others of its batch. */
interface Change {
  decide: (state: RolloutState) => TransitionResult;
  extraAudit?: (state: RolloutState) => AuditEntry[];
}

type Header = Omit<RolloutState, 'stages' | 'steps'>;

function header(state: RolloutState): Header {
  const { stages: _stages, steps: _steps, ...rest } = state;
  return rest;
}

/** Rows that differ by identity, with their index: a transition shares every stage and step it left alone. */
function moved<T>(before: readonly T[], after: readonly T[]): Array<{ i: number; row: T }> {
  if (before.length !== after.length)
    throw new Error(`a rollout's stages and steps are fixed at creation (${before.length} became ${after.length})`);
  const out: Array<{ i: number; row: T }> = [];
  for (const [i, row] of after.entries()) if (row !== before[i]) out.push({ i, row });
  return out;
}

/**
 * Rollouts in three tables: the rollout's own row (status, version and the rest of the state as JSON),
 * a row per stage and a row per step. A change writes, in one statement, the rollout's row, the stages
 * and steps it moved and its audit entries, on condition that the row still has the version the change
 * was decided on: of two changes decided on the same version, one is written and the other is decided
 * again on the newer state. Nothing is locked while deciding, and a transition costs one round trip.
 *
 * What makes it fast under load is the machinery of @bulkhead/concurrency, each piece where it saves
 * round trips or connections:
 * - a change waits in its cluster's lane (a KeyedQueue), so that one process never races itself for a
 *   rollout's version; the changes to one rollout that arrive while it waits are decided one after the
 *   other and written together (a GroupCommit): a rollout's writes, serial by nature, carry several
 *   changes each instead of queueing one by one;
 * - the states this process last wrote or read (a VersionedCache): a change is decided on the cached
 *   state without reading it first (the conditional write proves it current, or it is decided again),
 *   and a read of a newer version fetches only the stages and steps written since;
 * - reads of one rollout that start together share one query (a SingleFlight): the jobs a transition
 *   dispatches all start by reading the state it wrote;
 * - namespace locks are taken on at most half the connection pool (a Semaphore, see withNamespaceLock).
 * The cache trusts nothing it holds over the database: a cached state is used only at the version the
 * row has, or newer (every change moves it, and only committed states are cached), so several processes
 * share the tables safely. It is the store's own: nothing outside it sees what it holds.
 */
export class PostgresRolloutStore implements RolloutStore, RolloutListing {
  /** One per process: the API and the worker can share a process, each with its own store. */
  private static readonly clusterLanes = new KeyedQueue();
  /** One per connection pool, for the namespace locks taken through it. */
  private static readonly lockSlots = new WeakMap<DataSource, Semaphore>();
  /** States are shared, not copied: whoever gets one must not change it (the domain never does). */
  private readonly states = new VersionedCache<RolloutState>(8);
  private readonly commits = new GroupCommit<Change, TransitionResult | null>((id, changes) => this.decideAndWrite(id, changes));
  private readonly reads = new SingleFlight<RolloutState>();

  constructor(private readonly db: DataSource) {}

  async insert(state: RolloutState, entries: AuditEntry[]): Promise<void> {
    try {
      await this.db.transaction(async (em) => {
        await em.query(
          `INSERT INTO rollouts (id, cluster_id, plan_id, status, state, version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
          [
            state.id,
            state.clusterId,
            state.planId,
            state.status,
            JSON.stringify(header(state)),
            state.version,
            state.createdBy,
            state.createdAt,
          ],
        );
        await this.insertRows(em, state);
        await writeAuditEntries(em, auditRows(state, entries));
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_rollouts_one_active_per_cluster')) throw clusterBusy();
      throw error;
    }
    this.states.set(state.id, state);
  }

  async update(
    id: string,
    change: (state: RolloutState) => TransitionResult,
    extraAudit?: (state: RolloutState) => AuditEntry[],
  ): Promise<TransitionResult | null> {
    const clusterId =
      this.states.latest(id)?.clusterId ?? (await this.db.query(`SELECT cluster_id FROM rollouts WHERE id = $1`, [id]))[0]?.cluster_id;
    if (!clusterId) return null;
    // A batch whose write fails is decided and written again change by change (GroupCommit): the
    // failed statement wrote nothing, and each change is decided afresh on the state it finds.
    return this.commits.submit(id, { decide: change, extraAudit }, (flush) => PostgresRolloutStore.clusterLanes.run(clusterId, flush));
  }

  /**
   * Decides a batch of changes in order, each on the state the previous one left, and writes the last
   * state once. Each change answers as it was decided (its state, its commands): the write puts every
   * one of them in the rollout's history, in that order.
   */
  private async decideAndWrite(id: string, batch: readonly Change[]): Promise<Array<Settled<TransitionResult | null>>> {
    // The cached state is decided on first; the write (or, for no change, a version check) proves it current.
    let state = this.states.latest(id);
    let current = false;
    for (let attempt = 1; attempt <= 100; attempt++) {
      if (!state) {
        const fresh = await this.get(id);
        if (!fresh) return batch.map(() => ({ value: null }));
        [state, current] = [fresh, true];
      }
      let last: Extract<TransitionResult, { ok: true }> | undefined;
      const results: Array<Settled<TransitionResult | null>> = [];
      const audit: AuditEntry[] = [];
      for (const p of batch) {
        try {
          const r = p.decide(last?.state ?? state);
          const extra = r.ok && r.changed ? (p.extraAudit?.(r.state) ?? []) : [];
          results.push({ value: r });
          if (!r.ok || !r.changed) continue;
          audit.push(...r.audit, ...extra);
          last = r;
        } catch (error) {
          results.push({ error }); // this change only: the others still count
        }
      }
      if (!last) {
        if (current || (await this.versionOf(id)) === state.version) return results;
      } else if (await this.write(state, last.state, audit)) {
        this.states.set(id, last.state);
        return results;
      }
      state = undefined;
    }
    throw new Error(`rollout ${id} kept changing while a change to it was being decided`);
  }

  private async versionOf(id: string): Promise<number | undefined> {
    const [row] = await this.db.query(`SELECT version FROM rollouts WHERE id = $1`, [id]);
    return row ? Number(row.version) : undefined;
  }

  /** Writes a change decided on `before`, if the row is still at its version; true when written. */
  private async write(before: RolloutState, after: RolloutState, entries: readonly AuditEntry[]): Promise<boolean> {
    const steps = moved(before.steps, after.steps).map(({ i, row }) => ({ i, step: row }));
    const stages = moved(before.stages, after.stages).map(({ i, row }) => ({ i, stage: row }));
    const audit = auditInsert(auditRows(after, entries), 12, 'changed');
    try {
      const [{ written }] = await this.db.query(
        `WITH changed AS (UPDATE rollouts SET state = $2, status = $3, version = $4, plan_id = ($2::jsonb->>'planId')::uuid, updated_at = now() WHERE id = $1 AND version = $5 RETURNING id),
           steps AS (UPDATE rollout_steps t SET phase = v.phase, step = v.step, version = $4
             FROM changed, unnest($6::int[], $7::text[], $8::jsonb[]) AS v(ordinal, phase, step) WHERE t.rollout_id = changed.id AND t.ordinal = v.ordinal),
           stages AS (UPDATE rollout_stages t SET status = v.status, stage = v.stage, version = $4
             FROM changed, unnest($9::int[], $10::text[], $11::jsonb[]) AS v(ordinal, status, stage) WHERE t.rollout_id = changed.id AND t.ordinal = v.ordinal),
           audit AS (${audit.sql})
         SELECT count(*)::int AS written FROM changed`,
        [
          after.id,
          JSON.stringify(header(after)),
          after.status,
          after.version,
          before.version,
          steps.map((m) => m.i),
          steps.map((m) => m.step.phase),
          steps.map((m) => JSON.stringify(m.step)),
          stages.map((m) => m.i),
          stages.map((m) => m.stage.status),
          stages.map((m) => JSON.stringify(m.stage)),
          ...audit.params,
        ],
      );
      return written === 1;
    } catch (error) {
      if (isUniqueViolation(error, 'uq_rollouts_one_active_per_cluster')) throw clusterBusy();
      throw error;
    }
  }

  /** A new rollout's stages and steps, each a row. */
  private async insertRows(em: Queryable, state: RolloutState): Promise<void> {
    await em.query(
      `INSERT INTO rollout_stages (rollout_id, ordinal, tier, status, stage, version)
       SELECT $1, v.n - 1, v.tier, v.status, v.stage, $5 FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS v(tier, status, stage, n)`,
      [
        state.id,
        state.stages.map((st) => st.tier),
        state.stages.map((st) => st.status),
        state.stages.map((st) => JSON.stringify(st)),
        state.version,
      ],
    );
    await em.query(
      `INSERT INTO rollout_steps (rollout_id, ordinal, step_id, namespace, tier, phase, step, version)
       SELECT $1, v.n - 1, v.step_id, v.namespace, v.tier, v.phase, v.step, $7
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS v(step_id, namespace, tier, phase, step, n)`,
      [
        state.id,
        state.steps.map((st) => st.id),
        state.steps.map((st) => st.namespace),
        state.steps.map((st) => st.tier),
        state.steps.map((st) => st.phase),
        state.steps.map((st) => JSON.stringify(st)),
        state.version,
      ],
    );
  }

  /**
   * The state at `version` (or newer): from the cache when it holds that version or a newer one; else
   * from the read of it under way, if any (jobs that start together want the same state); else read.
   */
  private read(id: string, version: number): Promise<RolloutState> {
    const hit = this.states.atLeast(id, version);
    return hit ? Promise.resolve(hit) : this.reads.run(id, version, () => this.fetch(id, version));
  }

  /**
   * Reads the rollout: the cached older state with the stages and steps written since, or, with no
   * cached state, the whole rollout. One statement, so it sees one snapshot.
   */
  private async fetch(id: string, version: number): Promise<RolloutState> {
    const latest = this.states.latest(id);
    const known = latest && latest.version < version ? latest : undefined;
    const since = known?.version ?? -1;
    const [row] = await this.db.query(
      `SELECT r.state,
         COALESCE((SELECT jsonb_agg(jsonb_build_array(ordinal, stage)) FROM rollout_stages WHERE rollout_id = r.id AND version > $2), '[]'::jsonb) AS stages,
         COALESCE((SELECT jsonb_agg(jsonb_build_array(ordinal, step)) FROM rollout_steps WHERE rollout_id = r.id AND version > $2), '[]'::jsonb) AS steps
       FROM rollouts r WHERE r.id = $1`,
      [id, since],
    );
    const patch = <T>(base: readonly T[], rows: Array<[number, T]>): T[] => {
      const out = base.slice();
      for (const [i, value] of rows) out[i] = value;
      return out;
    };
    const stages = patch(known?.stages ?? [], row.stages);
    const steps = patch(known?.steps ?? [], row.steps);
    const state: RolloutState = { ...(row.state as Header), stages, steps };
    this.states.set(id, state);
    return state;
  }

  /**
   * One advisory lock per namespace of a cluster, a session lock, which keeps a pooled connection while
   * `fn` needs others; so a process holds (or waits for) namespace locks on at most half its pool at
   * once. The lock and the rollout's version come in one round trip, the version read once the lock is
   * held (see the migration NamespaceLockFunctions).
   */
  withNamespaceLock<T>(
    rollout: Pick<RolloutState, 'id' | 'clusterId'>,
    namespace: string,
    fn: (current: RolloutState | null) => Promise<T>,
  ): Promise<T> {
    let slots = PostgresRolloutStore.lockSlots.get(this.db);
    if (!slots) {
      const poolSize = Number((this.db.options.extra as { max?: number } | undefined)?.max ?? 10);
      slots = new Semaphore(Math.max(1, Math.floor(poolSize / 2)));
      PostgresRolloutStore.lockSlots.set(this.db, slots);
    }
    return slots.run(async () => {
      const runner = this.db.createQueryRunner();
      await runner.connect();
      try {
        const [{ version }] = await runner.query(`SELECT bulkhead_lock_namespace($1, $2, $3) AS version`, [
          rollout.clusterId,
          namespace,
          rollout.id,
        ]);
        return await fn(version === null ? null : await this.read(rollout.id, Number(version)));
      } finally {
        // The connection goes back to the pool: it must not keep the lock (a broken one loses it anyway).
        await runner
          .query(`SELECT pg_advisory_unlock(bulkhead_namespace_key($1, $2))`, [rollout.clusterId, namespace])
          .catch(() => runner.query(`SELECT pg_advisory_unlock_all()`))
          .catch(() => undefined);
        await runner.release();
      }
    });
  }

  async get(id: string): Promise<RolloutState | null> {
    const version = await this.versionOf(id);
    return version === undefined ? null : this.read(id, version);
  }

  async list(filter: { clusterId?: string; statuses?: RolloutStatus[]; updatedBefore?: Date }): Promise<RolloutState[]> {
    const rows: Array<{ id: string; version: string }> = await this.db.query(
      `SELECT id, version FROM rollouts
       WHERE ($1::uuid IS NULL OR cluster_id = $1) AND ($2::text[] IS NULL OR status = ANY($2)) AND ($3::timestamptz IS NULL OR (state->>'updatedAt')::timestamptz < $3)
       ORDER BY created_at DESC`,
      [filter.clusterId ?? null, filter.statuses ?? null, filter.updatedBefore ?? null],
    );
    const states: RolloutState[] = [];
    for (const r of rows) states.push(await this.read(r.id, Number(r.version)));
    return states;
  }

  async outlines(
    filter: RolloutListFilter,
    page: PageRequest<NewestFirstPosition>,
  ): Promise<KeysetPage<RolloutOutline, NewestFirstPosition>> {
    const rows: Array<{ state: Header; position_at: string; stages: RolloutOutline['stages']; step_counts: RolloutOutline['stepCounts'] }> =
      await this.db.query(
        `SELECT r.state, ${exactInstant('r.created_at')} AS position_at,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('tier', tier, 'status', status) ORDER BY ordinal) FROM rollout_stages WHERE rollout_id = r.id), '[]'::jsonb) AS stages,
           COALESCE((SELECT jsonb_agg(jsonb_build_object('tier', tier, 'phase', phase, 'count', n))
                     FROM (SELECT tier, phase, count(*)::int AS n FROM rollout_steps WHERE rollout_id = r.id GROUP BY tier, phase) c), '[]'::jsonb) AS step_counts
         FROM rollouts r
         WHERE ($1::uuid IS NULL OR r.cluster_id = $1) AND ($2::text[] IS NULL OR r.status = ANY($2))
           AND ($3::timestamptz IS NULL OR (r.created_at, r.id) < ($3::timestamptz, $4::uuid))
         ORDER BY r.created_at DESC, r.id DESC LIMIT $5`,
        [filter.clusterId ?? null, filter.statuses ?? null, page.after?.at ?? null, page.after?.id ?? null, page.limit + 1],
      );
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ at: row.position_at, id: row.state.id }));
    return { items: items.map((row) => ({ header: row.state, stages: row.stages, stepCounts: row.step_counts })), next };
  }

  async recordStall(state: RolloutState, stall: RolloutStall): Promise<boolean> {
    return this.db.transaction(async (em) => {
      // Every worker looks for stalls: the lock makes "not written yet, so write it" one step.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('rollout.stalled:' || $1))`, [state.id]);
      const [written] = await em.query(
        `SELECT 1 FROM audit_log WHERE action = 'rollout.stalled' AND target = $1 AND details->>'version' = $2 LIMIT 1`,
        [state.id, String(state.version)],
      );
      if (written) return false;
      await writeAudit(em, {
        actor: 'system:rollout',
        action: 'rollout.stalled',
        clusterId: state.clusterId,
        target: state.id,
        details: {
          rolloutId: state.id,
          version: state.version,
          status: state.status,
          since: stall.since,
          deadlineMs: stall.deadlineMs,
          reason: stall.reason,
        },
      });
      return true;
    });
  }
}

/** A namespace is under a verified plan when the newest rollout step that finished there was verified. */
export class PostgresProtectionSource implements ProtectionSource {
  constructor(private readonly db: DataSource) {}

  async verifiedNamespaces(clusterId: string): Promise<Set<string>> {
    const rows: Array<{ namespace: string; phase: string }> = await this.db.query(
      `SELECT DISTINCT ON (s.namespace) s.namespace, s.phase
       FROM rollouts r JOIN rollout_steps s ON s.rollout_id = r.id
       WHERE r.cluster_id = $1 AND s.phase IN ('verified', 'restored')
       ORDER BY s.namespace, r.created_at DESC`,
      [clusterId],
    );
    return new Set(rows.filter((r) => r.phase === 'verified').map((r) => r.namespace));
  }
}
