import type { KeysetPage, PageRequest, PlanNamespaceCoverage } from '@bulkhead/contracts';
import type { NetworkPolicy } from '@bulkhead/netpol';
import type { PlanReport, PlanSummary } from '@bulkhead/plan';

export interface PlanRecord {
  id: string;
  clusterId: string;
  /** 1, 2, 3... per cluster. */
  version: number;
  createdBy: string;
  createdAt: Date;
  policies: NetworkPolicy[];
  /** Everything but the policies: findings, evidence, observation, risks, blocked edges, impact, blast radius. */
  report: Omit<PlanReport, 'plan'> & {
    plan: Omit<PlanReport['plan'], 'policies' | 'byNamespace'>;
    /** How well each of its namespaces was observed when it was made (absent on plans made before it was recorded). */
    coverage?: PlanNamespaceCoverage[];
  };
  summary: PlanSummary;
}

export type PlanListItem = Omit<PlanRecord, 'policies' | 'report'>;

/** Where a page of a cluster's plans ends: the last one's version. */
export interface PlanPosition {
  version: number;
}

export interface PlanStore {
  /** Stores the plan as the cluster's next version (1 + the highest so far), safely under concurrency. */
  createNextVersion(plan: Omit<PlanRecord, 'id' | 'version' | 'createdAt'>, at: Date): Promise<PlanRecord>;
  get(id: string): Promise<PlanRecord | null>;
  /** Whether the plan is (still) stored, without reading it. */
  exists(id: string): Promise<boolean>;
  /** The version of a cluster's plan, or null. */
  getVersion(clusterId: string, version: number): Promise<PlanRecord | null>;
  /** A page of the cluster's plans, newest version first. */
  page(clusterId: string, page: PageRequest<PlanPosition>): Promise<KeysetPage<PlanListItem, PlanPosition>>;
}
