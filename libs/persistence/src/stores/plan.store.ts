import { keysetPage, type KeysetPage, type PageRequest } from '@bulkhead/contracts';
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { PlanSummary } from '@bulkhead/plan';
import type { PlanListItem, PlanPosition, PlanRecord, PlanStore } from '@bulkhead/planning';
import type { PlanPolicies } from '@bulkhead/rollout';
import type { DataSource, EntityManager } from 'typeorm';

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

const listItem = (r: Row): PlanListItem => ({
  id: r.id,
  clusterId: r.cluster_id,
  version: r.version,
  createdBy: r.created_by,
  createdAt: r.created_at,
  summary: r.summary,
});
const record = (r: Row): PlanRecord => ({ ...listItem(r), policies: r.policies!, report: r.report! });

const COLUMNS = 'id, cluster_id, version, created_by, created_at, summary';

/** Stores the plan as its cluster's next version, inside the caller's transaction. */
export async function insertNextPlanVersion(
  em: EntityManager,
  plan: Omit<PlanRecord, 'id' | 'version' | 'createdAt'>,
  at: Date,
): Promise<PlanRecord> {
  // The cluster row lock serialises plan versions of one cluster.
  await em.query('SELECT id FROM clusters WHERE id = $1 FOR UPDATE', [plan.clusterId]);
  const [row] = await em.query(
    `INSERT INTO plans (cluster_id, version, created_by, created_at, policies, report, summary)
     SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6 FROM plans WHERE cluster_id = $1
     RETURNING ${COLUMNS}, policies, report`,
    [plan.clusterId, plan.createdBy, at, JSON.stringify(plan.policies), JSON.stringify(plan.report), JSON.stringify(plan.summary)],
  );
  return record(row);
}

export class PostgresPlanStore implements PlanStore, PlanPolicies {
  private readonly byPlan = new Map<string, Promise<Map<string, NetworkPolicy[]>>>();

  constructor(private readonly db: DataSource) {}

  createNextVersion(plan: Omit<PlanRecord, 'id' | 'version' | 'createdAt'>, at: Date): Promise<PlanRecord> {
    return this.db.transaction((em) => insertNextPlanVersion(em, plan, at));
  }

  async get(id: string): Promise<PlanRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS}, policies, report FROM plans WHERE id = $1`, [id]);
    return row ? record(row) : null;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM plans WHERE id = $1`, [id])).length > 0;
  }

  async getVersion(clusterId: string, version: number): Promise<PlanRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS}, policies, report FROM plans WHERE cluster_id = $1 AND version = $2`, [
      clusterId,
      version,
    ]);
    return row ? record(row) : null;
  }

  /** One namespace's policies of a plan, picked out in the database rather than loading the whole plan. */
  /**
   * A plan's policies for one namespace, sorted by name. A plan never changes once written, so the
   * policies of the last few plans asked about are kept here, grouped by namespace: a rollout asks once
   * per namespace, and reading the whole plan each time would cost as much as the plan is large.
   */
  async policiesFor(planId: string, namespace: string): Promise<NetworkPolicy[]> {
    let plan = this.byPlan.get(planId);
    if (!plan) {
      plan = this.loadPolicies(planId);
      this.byPlan.set(planId, plan);
      plan.catch(() => this.byPlan.delete(planId));
      if (this.byPlan.size > 4) this.byPlan.delete(this.byPlan.keys().next().value as string);
    }
    return structuredClone((await plan).get(namespace) ?? []);
  }

  /** The plan's cluster layer (its guardrails), picked out of the report in the database; none for a plan without one. */
  async clusterPoliciesFor(planId: string): Promise<SnapshotClusterPolicy[]> {
    const [row] = await this.db.query(`SELECT report->'plan'->'clusterLayer'->'policies' AS policies FROM plans WHERE id = $1`, [planId]);
    return (row?.policies ?? []) as SnapshotClusterPolicy[];
  }

  private async loadPolicies(planId: string): Promise<Map<string, NetworkPolicy[]>> {
    const [row] = await this.db.query(`SELECT policies FROM plans WHERE id = $1`, [planId]);
    const byNamespace = new Map<string, NetworkPolicy[]>();
    for (const p of (row?.policies ?? []) as NetworkPolicy[]) {
      const list = byNamespace.get(p.metadata.namespace) ?? [];
      byNamespace.set(p.metadata.namespace, list);
      list.push(p);
    }
    for (const list of byNamespace.values())
      list.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    return byNamespace;
  }

  async page(clusterId: string, page: PageRequest<PlanPosition>): Promise<KeysetPage<PlanListItem, PlanPosition>> {
    const rows: Row[] = await this.db.query(
      `SELECT ${COLUMNS} FROM plans WHERE cluster_id = $1 AND ($2::int IS NULL OR version < $2) ORDER BY version DESC LIMIT $3`,
      [clusterId, page.after?.version ?? null, page.limit + 1],
    );
    const { items, next } = keysetPage(rows, page.limit, (row) => ({ version: row.version }));
    return { items: items.map(listItem), next };
  }
}
