import { AppError } from '@bulkhead/contracts';
import type { ProtectionSource } from '@bulkhead/inventory';
import type { AuditEntry, DriftCheck, DriftStore, RolloutState, RolloutStatus, RolloutStore, TransitionResult } from '@bulkhead/rollout';
import type { DataSource, EntityManager } from 'typeorm';
import { writeAudit } from './audit.store';
import { isUniqueViolation } from './cluster.store';

/** One advisory lock per cluster: transitions of its rollouts and changes to it never overlap. */
const CLUSTER_LOCK = `hashtextextended('bulkhead:cluster:' || $1, 0)`;

function busy(): AppError {
  return new AppError('conflict', 'rollout.cluster_busy', 'another rollout is active on this cluster: finish, abort or roll it back first');
}

async function audit(em: EntityManager, state: RolloutState, entries: AuditEntry[]): Promise<void> {
  for (const e of entries) {
    const { before, after, ...detail } = (e.detail ?? {}) as Record<string, unknown>;
    await writeAudit(em, {
      actor: e.actor ?? 'system:rollout',
      action: e.action,
      clusterId: state.clusterId,
      target: e.namespace ?? state.id,
      details: { rolloutId: state.id, version: e.version, ...(e.stepId ? { stepId: e.stepId } : {}), ...(e.tier ? { tier: e.tier } : {}), ...detail },
      before,
      after,
    });
  }
}

/**
 * Rollouts as one JSON state per row, the truth every worker reads. Each change is made on the
 * locked row under the cluster's advisory lock, with its audit entries in the same transaction.
 */
export class PostgresRolloutStore implements RolloutStore {
  constructor(private readonly db: DataSource) {}

  async insert(state: RolloutState, entries: AuditEntry[]): Promise<void> {
    try {
      await this.db.transaction(async (em) => {
        await em.query(`SELECT pg_advisory_xact_lock(${CLUSTER_LOCK})`, [state.clusterId]);
        await em.query(`INSERT INTO rollouts (id, cluster_id, plan_id, status, state, version, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, [
          state.id,
          state.clusterId,
          state.planId,
          state.status,
          JSON.stringify(state),
          state.version,
          state.createdBy,
          state.createdAt,
        ]);
        await audit(em, state, entries);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_rollouts_one_active_per_cluster')) throw busy();
      throw error;
    }
  }

  async update(id: string, change: (state: RolloutState) => TransitionResult, extraAudit?: (state: RolloutState) => AuditEntry[]): Promise<TransitionResult | null> {
    const [head] = await this.db.query(`SELECT cluster_id FROM rollouts WHERE id = $1`, [id]);
    if (!head) return null;
    try {
      return await this.db.transaction(async (em) => {
        await em.query(`SELECT pg_advisory_xact_lock(${CLUSTER_LOCK})`, [head.cluster_id]);
        const [row] = await em.query(`SELECT state FROM rollouts WHERE id = $1 FOR UPDATE`, [id]);
        const result = change(row.state as RolloutState);
        if (!result.ok || !result.changed) return result;
        const s = result.state;
        await em.query(`UPDATE rollouts SET state = $2, status = $3, version = $4, updated_at = now() WHERE id = $1`, [id, JSON.stringify(s), s.status, s.version]);
        await audit(em, s, [...result.audit, ...(extraAudit?.(s) ?? [])]);
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_rollouts_one_active_per_cluster')) throw busy();
      throw error;
    }
  }

  async withClusterLock<T>(clusterId: string, fn: () => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock(${CLUSTER_LOCK})`, [clusterId]);
      return await fn();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${CLUSTER_LOCK})`, [clusterId]).catch(() => undefined);
      await runner.release();
    }
  }

  async get(id: string): Promise<RolloutState | null> {
    const [row] = await this.db.query(`SELECT state FROM rollouts WHERE id = $1`, [id]);
    return row ? (row.state as RolloutState) : null;
  }

  async list(filter: { clusterId?: string; statuses?: RolloutStatus[] }): Promise<RolloutState[]> {
    const rows: Array<{ state: RolloutState }> = await this.db.query(
      `SELECT state FROM rollouts WHERE ($1::uuid IS NULL OR cluster_id = $1) AND ($2::text[] IS NULL OR status = ANY($2)) ORDER BY created_at DESC`,
      [filter.clusterId ?? null, filter.statuses ?? null],
    );
    return rows.map((r) => r.state);
  }
}

/** A namespace is under a verified plan when the newest rollout step that finished there was verified. */
export class PostgresProtectionSource implements ProtectionSource {
  constructor(private readonly db: DataSource) {}

  async verifiedNamespaces(clusterId: string): Promise<Set<string>> {
    const rows: Array<{ namespace: string; phase: string }> = await this.db.query(
      `SELECT DISTINCT ON (step->>'namespace') step->>'namespace' AS namespace, step->>'phase' AS phase
       FROM rollouts r, jsonb_array_elements(r.state->'steps') AS step
       WHERE r.cluster_id = $1 AND step->>'phase' IN ('verified', 'restored')
       ORDER BY step->>'namespace', r.created_at DESC`,
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
      `SELECT DISTINCT cluster_id FROM rollouts r WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(r.state->'steps') s WHERE s->>'phase' = 'verified')`,
    );
    return rows.map((r) => r.cluster_id);
  }
}
