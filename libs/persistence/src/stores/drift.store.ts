import { keysetPage, type KeysetPage, type NewestFirstPosition, type PageRequest } from '@bulkhead/contracts';
import type { PlanRecord } from '@bulkhead/planning';
import type {
  DriftAcceptance,
  DriftAction,
  DriftActionStore,
  DriftAuditEntry,
  DriftCheck,
  DriftFinding,
  DriftStore,
  NewDriftAction,
  PolicyDifference,
} from '@bulkhead/rollout';
import type { DataSource, EntityManager } from 'typeorm';
import { writeAudit, writeAuditEntries } from './audit.store';
import { insertNextPlanVersion } from './plan.store';
import { exactInstant } from './sql-fragments';

export interface DriftCheckRow {
  id: string;
  clusterId: string;
  rolloutId: string;
  checkedAt: Date;
  namespaces: number;
  findings: DriftFinding[];
}

/** A finding of the cluster's last drift check, under the id it has had since a check first found it. */
export interface DriftFindingRow extends DriftFinding {
  id: string;
  rolloutId: string;
  planId: string;
  planVersion: number;
  foundAt: Date;
  lastSeenAt: Date;
}

/** A finding as the check history, the audit log and the webhooks keep it: without its YAML. */
const withoutDifference = ({ difference: _difference, ...finding }: DriftFinding) => finding;

/**
 * Drift checks, each with an audit entry when it found something, and the findings the check leaves
 * (kept under their ids while found again), in one transaction.
 */
export class PostgresDriftStore implements DriftStore {
  constructor(private readonly db: DataSource) {}

  async record(check: DriftCheck): Promise<void> {
    const findings = check.findings.map(withoutDifference);
    await this.db.transaction(async (em) => {
      // Checks of one cluster are written one after the other, so that the findings are those of the last.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('drift:' || $1))`, [check.clusterId]);
      await em.query(`INSERT INTO drift_checks (cluster_id, rollout_id, checked_at, namespaces, findings) VALUES ($1, $2, $3, $4, $5)`, [
        check.clusterId,
        check.rolloutId,
        check.checkedAt,
        check.namespaces,
        JSON.stringify(findings),
      ]);
      await this.keepFindings(em, check);
      if (findings.length) {
        await writeAudit(em, {
          actor: 'system:drift-check',
          action: 'drift.detected',
          clusterId: check.clusterId,
          target: check.rolloutId,
          details: { findings },
        });
      }
    });
  }

  private async keepFindings(em: EntityManager, check: DriftCheck): Promise<void> {
    const found = JSON.stringify(
      check.findings.map((f) => ({
        namespace: f.namespace,
        kind: f.kind,
        subject: f.subject,
        message: f.message,
        difference: f.difference ?? null,
      })),
    );
    await em.query(
      `DELETE FROM drift_findings d WHERE d.cluster_id = $1 AND NOT EXISTS (
         SELECT 1 FROM jsonb_to_recordset($2::jsonb) AS f(namespace text, kind text, subject text)
         WHERE f.namespace = d.namespace AND f.kind = d.kind AND f.subject = d.subject)`,
      [check.clusterId, found],
    );
    await em.query(
      `INSERT INTO drift_findings (cluster_id, rollout_id, plan_id, plan_version, namespace, kind, subject, message, difference, found_at, last_seen_at)
       SELECT $1, $2, $3, $4, f.namespace, f.kind, f.subject, f.message, f.difference, $6, $6
       FROM jsonb_to_recordset($5::jsonb) AS f(namespace text, kind text, subject text, message text, difference jsonb)
       ON CONFLICT ON CONSTRAINT uq_drift_findings_subject DO UPDATE SET rollout_id = EXCLUDED.rollout_id, plan_id = EXCLUDED.plan_id,
         plan_version = EXCLUDED.plan_version, message = EXCLUDED.message, difference = EXCLUDED.difference, last_seen_at = EXCLUDED.last_seen_at`,
      [check.clusterId, check.rolloutId, check.planId, check.planVersion, found, check.checkedAt],
    );
  }

  async acceptance(rolloutId: string): Promise<DriftAcceptance | null> {
    const rows: Array<{ plan_id: string; version: number; namespaces: string[] }> = await this.db.query(
      `SELECT a.plan_id, p.version, a.namespaces FROM drift_actions a JOIN plans p ON p.id = a.plan_id
       WHERE a.rollout_id = $1 AND a.plan_id IS NOT NULL ORDER BY p.version DESC`,
      [rolloutId],
    );
    const [newest] = rows;
    if (!newest) return null;
    return { planId: newest.plan_id, planVersion: newest.version, namespaces: [...new Set(rows.flatMap((r) => r.namespaces))].sort() };
  }

  /** The findings of the cluster's last check, newest found first. */
  async findings(clusterId: string, page: PageRequest<NewestFirstPosition>): Promise<KeysetPage<DriftFindingRow, NewestFirstPosition>> {
    const rows: Array<{
      id: string;
      rollout_id: string;
      plan_id: string;
      plan_version: number;
      namespace: string;
      kind: DriftFinding['kind'];
      subject: string;
      message: string;
      difference: PolicyDifference | null;
      found_at: Date;
      last_seen_at: Date;
      position_at: string;
    }> = await this.db.query(
      `SELECT id, rollout_id, plan_id, plan_version, namespace, kind, subject, message, difference, found_at, last_seen_at,
         ${exactInstant('found_at')} AS position_at
       FROM drift_findings
       WHERE cluster_id = $1 AND ($2::timestamptz IS NULL OR (found_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY found_at DESC, id DESC LIMIT $4`,
      [clusterId, page.after?.at ?? null, page.after?.id ?? null, page.limit + 1],
    );
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ at: row.position_at, id: row.id }));
    return {
      items: items.map((r) => ({
        id: r.id,
        rolloutId: r.rollout_id,
        planId: r.plan_id,
        planVersion: r.plan_version,
        namespace: r.namespace,
        kind: r.kind,
        subject: r.subject,
        message: r.message,
        ...(r.difference ? { difference: r.difference } : {}),
        foundAt: r.found_at,
        lastSeenAt: r.last_seen_at,
      })),
      next,
    };
  }

  async list(clusterId: string, limit = 20): Promise<DriftCheckRow[]> {
    const rows: Array<{
      id: string;
      cluster_id: string;
      rollout_id: string;
      checked_at: Date;
      namespaces: number;
      findings: DriftFinding[];
    }> = await this.db.query(
      `SELECT id, cluster_id, rollout_id, checked_at, namespaces, findings FROM drift_checks WHERE cluster_id = $1 ORDER BY checked_at DESC LIMIT $2`,
      [clusterId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      clusterId: r.cluster_id,
      rolloutId: r.rollout_id,
      checkedAt: r.checked_at,
      namespaces: r.namespaces,
      findings: r.findings,
    }));
  }

  /** Clusters with a rollout that left something verified: the ones worth re-checking. */
  async clustersToCheck(): Promise<string[]> {
    const rows: Array<{ cluster_id: string }> = await this.db.query(
      `SELECT DISTINCT r.cluster_id FROM rollouts r WHERE EXISTS (SELECT 1 FROM rollout_steps s WHERE s.rollout_id = r.id AND s.phase = 'verified')`,
    );
    return rows.map((r) => r.cluster_id);
  }
}

interface ActionRow {
  id: string;
  cluster_id: string;
  rollout_id: string;
  kind: DriftAction['kind'];
  namespaces: string[];
  requested_by: string;
  requested_at: Date;
  status: DriftAction['status'];
  detail: string | null;
  plan_id: string | null;
  finished_at: Date | null;
}

const ACTION_COLUMNS = 'id, cluster_id, rollout_id, kind, namespaces, requested_by, requested_at, status, detail, plan_id, finished_at';

const action = (r: ActionRow): DriftAction => ({
  id: r.id,
  clusterId: r.cluster_id,
  rolloutId: r.rollout_id,
  kind: r.kind,
  namespaces: r.namespaces,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  status: r.status,
  detail: r.detail,
  planId: r.plan_id,
  finishedAt: r.finished_at,
});

/** What people asked for about drift, and what came of it; an acceptance's plan version is written with it. */
export class PostgresDriftActionStore implements DriftActionStore {
  constructor(private readonly db: DataSource) {}

  async create(request: NewDriftAction): Promise<DriftAction> {
    return this.db.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('drift-action:' || $1))`, [request.clusterId]);
      const [queued]: ActionRow[] = await em.query(
        `SELECT ${ACTION_COLUMNS} FROM drift_actions
         WHERE cluster_id = $1 AND rollout_id = $2 AND kind = $3 AND namespaces = $4::text[] AND status = 'queued' LIMIT 1`,
        [request.clusterId, request.rolloutId, request.kind, request.namespaces],
      );
      if (queued) return action(queued);
      const [created]: ActionRow[] = await em.query(
        `INSERT INTO drift_actions (cluster_id, rollout_id, kind, namespaces, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING ${ACTION_COLUMNS}`,
        [request.clusterId, request.rolloutId, request.kind, request.namespaces, request.requestedBy, request.requestedAt],
      );
      if (!created) throw new Error('the drift action was not stored');
      return action(created);
    });
  }

  async get(id: string): Promise<DriftAction | null> {
    const [row]: ActionRow[] = await this.db.query(`SELECT ${ACTION_COLUMNS} FROM drift_actions WHERE id = $1`, [id]);
    return row ? action(row) : null;
  }

  async queued(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM drift_actions WHERE status = 'queued' ORDER BY requested_at`);
    return rows.map((r) => r.id);
  }

  async page(clusterId: string, page: PageRequest<NewestFirstPosition>): Promise<KeysetPage<DriftAction, NewestFirstPosition>> {
    const rows: Array<ActionRow & { position_at: string }> = await this.db.query(
      `SELECT ${ACTION_COLUMNS}, ${exactInstant('requested_at')} AS position_at FROM drift_actions
       WHERE cluster_id = $1 AND ($2::timestamptz IS NULL OR (requested_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY requested_at DESC, id DESC LIMIT $4`,
      [clusterId, page.after?.at ?? null, page.after?.id ?? null, page.limit + 1],
    );
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ at: row.position_at, id: row.id }));
    return { items: items.map(action), next };
  }

  async audit(of: DriftAction, entries: readonly DriftAuditEntry[]): Promise<void> {
    await writeAuditEntries(this.db, auditRows(of, entries));
  }

  async finish(id: string, outcome: { status: 'done' | 'failed'; detail: string }, at: Date): Promise<void> {
    await this.db.query(`UPDATE drift_actions SET status = $2, detail = $3, finished_at = $4 WHERE id = $1 AND status = 'queued'`, [
      id,
      outcome.status,
      outcome.detail,
      at,
    ]);
  }

  async accept(
    of: DriftAction,
    plan: Omit<PlanRecord, 'id' | 'version' | 'createdAt'>,
    entries: readonly DriftAuditEntry[],
    at: Date,
  ): Promise<PlanRecord> {
    return this.db.transaction(async (em) => {
      const made = await insertNextPlanVersion(em, plan, at);
      await em.query(`UPDATE drift_actions SET plan_id = $2 WHERE id = $1`, [of.id, made.id]);
      await writeAuditEntries(
        em,
        auditRows(
          of,
          entries.map((e) => ({ ...e, details: { ...e.details, planId: made.id, planVersion: made.version } })),
        ),
      );
      return made;
    });
  }
}

const auditRows = (of: DriftAction, entries: readonly DriftAuditEntry[]) =>
  entries.map((e) => ({
    actor: of.requestedBy,
    action: e.action,
    clusterId: of.clusterId,
    target: e.namespace,
    details: { ...e.details, policies: { before: e.before.map((p) => p.metadata.name), after: e.after.map((p) => p.metadata.name) } },
    before: e.before,
    after: e.after,
  }));
