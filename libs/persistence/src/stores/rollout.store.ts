import { AppError } from '@bulkhead/contracts';
import type { ProtectionSource } from '@bulkhead/inventory';
import type { AuditEntry, DriftCheck, DriftStore, RolloutState, RolloutStatus, RolloutStore, TransitionResult } from '@bulkhead/rollout';
import type { DataSource, EntityManager } from 'typeorm';
import { writeAudit, writeAuditEntries } from './audit.store';
import { isUniqueViolation } from './cluster.store';

/** One advisory lock per cluster: transitions of its rollouts and changes to it never overlap. */
const CLUSTER_LOCK = `hashtextextended('bulkhead:cluster:' || $1, 0)`;

function busy(): AppError {
  return new AppError('conflict', 'rollout.cluster_busy', 'another rollout is active on this cluster: finish, abort or roll it back first');
}

function audit(em: EntityManager, state: RolloutState, entries: AuditEntry[]): Promise<void> {
  return writeAuditEntries(
    em,
    entries.map((e) => {
      const { before, after, ...detail } = (e.detail ?? {}) as Record<string, unknown>;
      return {
        actor: e.actor ?? 'system:rollout',
        action: e.action,
        clusterId: state.clusterId,
        target: e.namespace ?? state.id,
        details: { rolloutId: state.id, version: e.version, ...(e.stepId ? { stepId: e.stepId } : {}), ...(e.tier ? { tier: e.tier } : {}), ...detail },
        before,
        after,
      };
    }),
  );
}

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Runs tasks one at a time per key, in arrival order. Whatever takes a cluster's advisory lock queues
 * here first: a task waiting for the lock in PostgreSQL would hold a pooled connection meanwhile, and
 * enough of them would leave the lock's holder without a connection to finish with.
 */
class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
type Header = Omit<RolloutState, 'stages' | 'steps'>;

function header(state: RolloutState): Header {
  const { stages: _stages, steps: _steps, ...rest } = state;
  return rest;
}

/** Rows that differ by identity: a transition shares every stage and step it left alone. */
function moved<T>(before: readonly T[], after: readonly T[]): number[] {
  if (before.length !== after.length) throw new Error(`a rollout's stages and steps are fixed at creation (${before.length} became ${after.length})`);
  const out: number[] = [];
  for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) out.push(i);
  return out;
}

/**
 * The last states this process read or wrote, by rollout. A cached state is used only when its version
 * is the one in the row (every change moves it), so several processes can share the tables safely.
 * States are shared, not copied: whoever gets one must not change it (the domain never does).
 */
class StateCache {
  private readonly states = new Map<string, RolloutState>();
  constructor(private readonly size: number) {}

  get(id: string, version: number): RolloutState | undefined {
    const hit = this.states.get(id);
    if (!hit || hit.version !== version) return undefined;
    this.states.delete(id);
    this.states.set(id, hit);
    return hit;
  }

  /** A rollout's cluster never changes, so any cached version tells it. */
  clusterOf(id: string): string | undefined {
    return this.states.get(id)?.clusterId;
  }

  set(state: RolloutState): void {
    this.states.delete(state.id);
    this.states.set(state.id, state);
    if (this.states.size > this.size) this.states.delete(this.states.keys().next().value as string);
  }
}

/**
 * Rollouts in three tables: the rollout's own row (status, version and the rest of the state as JSON),
 * a row per stage and a row per step. A change is made on the locked rollout row under the cluster's
 * advisory lock and writes only the rows it moved, with its audit entries, in one transaction.
 */
export class PostgresRolloutStore implements RolloutStore {
  /** One per process: the API and the worker can share a process, each with its own store. */
  private static readonly clusterQueue = new KeyedQueue();
  private readonly cache = new StateCache(8);

  constructor(private readonly db: DataSource) {}

  async insert(state: RolloutState, entries: AuditEntry[]): Promise<void> {
    try {
      await this.locally(state.clusterId, () => this.db.transaction(async (em) => {
        await em.query(`SELECT pg_advisory_xact_lock(${CLUSTER_LOCK})`, [state.clusterId]);
        await em.query(`INSERT INTO rollouts (id, cluster_id, plan_id, status, state, version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, [
          state.id,
          state.clusterId,
          state.planId,
          state.status,
          JSON.stringify(header(state)),
          state.version,
          state.createdBy,
          state.createdAt,
        ]);
        await this.insertRows(em, state);
        await audit(em, state, entries);
      }));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_rollouts_one_active_per_cluster')) throw busy();
      throw error;
    }
    this.cache.set(state);
  }

  async update(id: string, change: (state: RolloutState) => TransitionResult, extraAudit?: (state: RolloutState) => AuditEntry[]): Promise<TransitionResult | null> {
    const clusterId = this.cache.clusterOf(id) ?? (await this.db.query(`SELECT cluster_id FROM rollouts WHERE id = $1`, [id]))[0]?.cluster_id;
    if (!clusterId) return null;
    let result: TransitionResult | null;
    try {
      result = await this.locally(clusterId, () => this.db.transaction(async (em) => {
        await em.query(`SELECT pg_advisory_xact_lock(${CLUSTER_LOCK})`, [clusterId]);
        const [row] = await em.query(`SELECT version FROM rollouts WHERE id = $1 FOR UPDATE`, [id]);
        if (!row) return null;
        const before = await this.read(em, id, Number(row.version));
        const r = change(before);
        if (!r.ok || !r.changed) return r;
        const after = r.state;
        await this.writeChange(em, before, after);
        await audit(em, after, [...r.audit, ...(extraAudit?.(after) ?? [])]);
        return r;
      }));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_rollouts_one_active_per_cluster')) throw busy();
      throw error;
    }
    if (result?.ok) this.cache.set(result.state);
    return result;
  }

  /** The rollout's row and the stages and steps that moved, in one statement. */
  private async writeChange(em: Queryable, before: RolloutState, after: RolloutState): Promise<void> {
    const steps = moved(before.steps, after.steps).map((i) => ({ i, step: after.steps[i] }));
    const stages = moved(before.stages, after.stages).map((i) => ({ i, stage: after.stages[i] }));
    await em.query(
      `WITH rollout AS (UPDATE rollouts SET state = $2, status = $3, version = $4, updated_at = now() WHERE id = $1),
         steps AS (UPDATE rollout_steps t SET phase = v.phase, step = v.step
           FROM unnest($5::int[], $6::text[], $7::jsonb[]) AS v(ordinal, phase, step) WHERE t.rollout_id = $1 AND t.ordinal = v.ordinal)
       UPDATE rollout_stages t SET status = v.status, stage = v.stage
       FROM unnest($8::int[], $9::text[], $10::jsonb[]) AS v(ordinal, status, stage) WHERE t.rollout_id = $1 AND t.ordinal = v.ordinal`,
      [
        after.id,
        JSON.stringify(header(after)),
        after.status,
        after.version,
        steps.map((m) => m.i),
        steps.map((m) => m.step.phase),
        steps.map((m) => JSON.stringify(m.step)),
        stages.map((m) => m.i),
        stages.map((m) => m.stage.status),
        stages.map((m) => JSON.stringify(m.stage)),
      ],
    );
  }

  /** A new rollout's stages and steps, each a row. */
  private async insertRows(em: Queryable, state: RolloutState): Promise<void> {
    await em.query(
      `INSERT INTO rollout_stages (rollout_id, ordinal, tier, status, stage)
       SELECT $1, v.n - 1, v.tier, v.status, v.stage FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS v(tier, status, stage, n)`,
      [state.id, state.stages.map((st) => st.tier), state.stages.map((st) => st.status), state.stages.map((st) => JSON.stringify(st))],
    );
    await em.query(
      `INSERT INTO rollout_steps (rollout_id, ordinal, step_id, namespace, tier, phase, step)
       SELECT $1, v.n - 1, v.step_id, v.namespace, v.tier, v.phase, v.step
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS v(step_id, namespace, tier, phase, step, n)`,
      [state.id, state.steps.map((st) => st.id), state.steps.map((st) => st.namespace), state.steps.map((st) => st.tier), state.steps.map((st) => st.phase), state.steps.map((st) => JSON.stringify(st))],
    );
  }

  /** The state at `version`: from the cache when it holds that version, else assembled in one statement (one snapshot). */
  private async read(q: Queryable, id: string, version: number): Promise<RolloutState> {
    const hit = this.cache.get(id, version);
    if (hit) return hit;
    const [row] = await q.query(
      `SELECT r.state,
         COALESCE((SELECT jsonb_agg(stage ORDER BY ordinal) FROM rollout_stages WHERE rollout_id = r.id), '[]'::jsonb) AS stages,
         COALESCE((SELECT jsonb_agg(step ORDER BY ordinal) FROM rollout_steps WHERE rollout_id = r.id), '[]'::jsonb) AS steps
       FROM rollouts r WHERE r.id = $1`,
      [id],
    );
    const state: RolloutState = { ...(row.state as Header), stages: row.stages, steps: row.steps };
    this.cache.set(state);
    return state;
  }

  withClusterLock<T>(clusterId: string, fn: () => Promise<T>): Promise<T> {
    return this.locally(clusterId, async () => {
      const runner = this.db.createQueryRunner();
      await runner.connect();
      try {
        await runner.query(`SELECT pg_advisory_lock(${CLUSTER_LOCK})`, [clusterId]);
        return await fn();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${CLUSTER_LOCK})`, [clusterId]).catch(() => undefined);
        await runner.release();
      }
    });
  }

  private locally<T>(clusterId: string, task: () => Promise<T>): Promise<T> {
    return PostgresRolloutStore.clusterQueue.run(clusterId, task);
  }

  async get(id: string): Promise<RolloutState | null> {
    const [row] = await this.db.query(`SELECT version FROM rollouts WHERE id = $1`, [id]);
    return row ? this.read(this.db, id, Number(row.version)) : null;
  }

  async list(filter: { clusterId?: string; statuses?: RolloutStatus[] }): Promise<RolloutState[]> {
    const rows: Array<{ id: string; version: string }> = await this.db.query(
      `SELECT id, version FROM rollouts WHERE ($1::uuid IS NULL OR cluster_id = $1) AND ($2::text[] IS NULL OR status = ANY($2)) ORDER BY created_at DESC`,
      [filter.clusterId ?? null, filter.statuses ?? null],
    );
    const states: RolloutState[] = [];
    for (const r of rows) states.push(await this.read(this.db, r.id, Number(r.version)));
    return states;
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

export interface DriftCheckRow {
  id: string;
  clusterId: string;
  rolloutId: string;
  checkedAt: Date;
  namespaces: number;
  findings: DriftCheck['findings'];
}

/** Drift checks, each with an audit entry when it found something, in one transaction. */
export class PostgresDriftStore implements DriftStore {
  constructor(private readonly db: DataSource) {}

  async record(check: DriftCheck): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.query(`INSERT INTO drift_checks (cluster_id, rollout_id, checked_at, namespaces, findings) VALUES ($1, $2, $3, $4, $5)`, [
        check.clusterId,
        check.rolloutId,
        check.checkedAt,
        check.namespaces,
        JSON.stringify(check.findings),
      ]);
      if (check.findings.length) {
        await writeAudit(em, { actor: 'system:drift-check', action: 'drift.detected', clusterId: check.clusterId, target: check.rolloutId, details: { findings: check.findings } });
      }
    });
  }

  async list(clusterId: string, limit = 20): Promise<DriftCheckRow[]> {
    const rows: Array<{ id: string; cluster_id: string; rollout_id: string; checked_at: Date; namespaces: number; findings: DriftCheck['findings'] }> = await this.db.query(
      `SELECT id, cluster_id, rollout_id, checked_at, namespaces, findings FROM drift_checks WHERE cluster_id = $1 ORDER BY checked_at DESC LIMIT $2`,
      [clusterId, limit],
    );
    return rows.map((r) => ({ id: r.id, clusterId: r.cluster_id, rolloutId: r.rollout_id, checkedAt: r.checked_at, namespaces: r.namespaces, findings: r.findings }));
  }

  /** Clusters with a rollout that left something verified: the ones worth re-checking. */
  async clustersToCheck(): Promise<string[]> {
    const rows: Array<{ cluster_id: string }> = await this.db.query(
      `SELECT DISTINCT r.cluster_id FROM rollouts r WHERE EXISTS (SELECT 1 FROM rollout_steps s WHERE s.rollout_id = r.id AND s.phase = 'verified')`,
    );
    return rows.map((r) => r.cluster_id);
  }
}
