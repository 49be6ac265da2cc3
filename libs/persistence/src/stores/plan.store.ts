import type { NetworkPolicy } from '@bulkhead/netpol';
import type { PlanSummary } from '@bulkhead/plan';
import type { PlanListItem, PlanRecord, PlanStore } from '@bulkhead/planning';
import type { PlanPolicies } from '@bulkhead/rollout';
import type { DataSource } from 'typeorm';

interface Row {
  id: string;
  cluster_id: string;
  version: number;
  created_by: string;
  created_at: Date;
  policies?: NetworkPolicy[];
  report?: PlanRecord['report'];
  summary: PlanSummary;
}

const listItem = (r: Row): PlanListItem => ({ id: r.id, clusterId: r.cluster_id, version: r.version, createdBy: r.created_by, createdAt: r.created_at, summary: r.summary });
const record = (r: Row): PlanRecord => ({ ...listItem(r), policies: r.policies!, report: r.report! });

const COLUMNS = 'id, cluster_id, version, created_by, created_at, summary';

export class PostgresPlanStore implements PlanStore, PlanPolicies {
  constructor(private readonly db: DataSource) {}

  async createNextVersion(plan: Omit<PlanRecord, 'id' | 'version' | 'createdAt'>, at: Date): Promise<PlanRecord> {
    return this.db.transaction(async (em) => {
      // The cluster row lock serialises plan versions of one cluster.
      await em.query('SELECT id FROM clusters WHERE id = $1 FOR UPDATE', [plan.clusterId]);
      const [row] = await em.query(
        `INSERT INTO plans (cluster_id, version, created_by, created_at, policies, report, summary)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6 FROM plans WHERE cluster_id = $1
         RETURNING ${COLUMNS}, policies, report`,
        [plan.clusterId, plan.createdBy, at, JSON.stringify(plan.policies), JSON.stringify(plan.report), JSON.stringify(plan.summary)],
      );
      return record(row);
    });
  }

  async get(id: string): Promise<PlanRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS}, policies, report FROM plans WHERE id = $1`, [id]);
    return row ? record(row) : null;
  }

  async getVersion(clusterId: string, version: number): Promise<PlanRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS}, policies, report FROM plans WHERE cluster_id = $1 AND version = $2`, [clusterId, version]);
    return row ? record(row) : null;
  }

  /** One namespace's policies of a plan, picked out in the database rather than loading the whole plan. */
  async policiesFor(planId: string, namespace: string) {
    const [row] = await this.db.query(
      `SELECT COALESCE(jsonb_agg(p ORDER BY p->'metadata'->>'name'), '[]') AS policies
       FROM plans, jsonb_array_elements(policies) AS p WHERE id = $1 AND p->'metadata'->>'namespace' = $2`,
      [planId, namespace],
    );
    return row.policies as NetworkPolicy[];
  }

  async list(clusterId: string): Promise<PlanListItem[]> {
    const rows: Row[] = await this.db.query(`SELECT ${COLUMNS} FROM plans WHERE cluster_id = $1 ORDER BY version DESC`, [clusterId]);
    return rows.map(listItem);
  }
}
