import { DEFAULT_MIN_OBSERVED_DAYS, doesNotExist, type KeysetPage, type PageRequest } from '@bulkhead/contracts';
import {
  type ClusterStore,
  type CoverageStore,
  coverageOfNamespaces,
  effectiveTier,
  type EdgeStore,
  type InventoryStore,
  requireCluster,
} from '@bulkhead/inventory';
import {
  buildPlanReport,
  currentLayers,
  diffPolicies,
  type PlanEdge,
  type PlanInput,
  type PlanOptions,
  type PlanReport,
  type PolicyChange,
  type PolicyLayers,
  plannedLayers,
  renderYaml,
  type SemanticDiff,
  semanticDiff,
  servedPorts,
  summarizePlanReport,
  type Tier,
} from '@bulkhead/plan';
import { PlanningError } from './errors';
import type { PlanListItem, PlanPosition, PlanRecord, PlanStore } from './plan-store.port';

export interface PlanningDeps {
  clusters: ClusterStore;
  inventory: InventoryStore;
  edges: EdgeStore;
  plans: PlanStore;
  /** How well the cluster was observed: each plan keeps its namespaces' figure as it was when it was made. */
  coverage: CoverageStore;
  /** Builds a plan report (the API does it on a worker thread, with time and memory limits); buildPlanReport in-process when absent. */
  planBuilder?: (input: PlanInput) => Promise<PlanReport>;
}

/** The map as the plan generator reads it: every edge with its review, and the addresses seen. */
export async function planInputOf(deps: Omit<PlanningDeps, 'plans'>, clusterId: string) {
  const cluster = await requireCluster(deps.clusters, clusterId);
  const [inventory, edges, namespaces] = await Promise.all([
    deps.inventory.load(clusterId),
    deps.edges.list(clusterId, {}),
    deps.inventory.namespaces(clusterId),
  ]);
  const tiers: Record<string, Tier | null> = Object.fromEntries(namespaces.map((ns) => [ns.name, effectiveTier(ns)]));
  const externalAddresses: Record<string, string[]> = {};
  const apiServer = new Set<string>();
  for (const e of edges) {
    if (e.addresses.length === 0) continue;
    if (e.dstKey === 'reserved:kube-apiserver') e.addresses.forEach((ip) => apiServer.add(ip));
    else if (e.dstKey.startsWith('external:')) {
      const name = e.dstKey.slice('external:'.length);
      externalAddresses[name] = [...new Set([...(externalAddresses[name] ?? []), ...e.addresses])].sort();
    }
  }
  const planEdges: PlanEdge[] = edges.map((e) => ({
    src: e.srcKey,
    dst: e.dstKey,
    port: e.protocol === 'ICMP' ? null : e.port,
    protocol: e.protocol,
    connections: e.connections,
    firstSeen: e.firstSeen?.toISOString() ?? null,
    lastSeen: e.lastSeen?.toISOString() ?? null,
    review: e.review,
  }));
  return {
    cluster,
    inventory,
    input: { inventory, edges: planEdges, tiers, cni: cluster.cni, externalAddresses, apiServerAddresses: [...apiServer].sort() },
  };
}

/** What a person asks of a plan besides the cluster's state: today, the pieces of the cluster layer and where a rollout stages it. */
export type PlanRequest = Pick<PlanOptions, 'clusterLayer' | 'guardrailStage'>;

/**
 * Makes the cluster's next plan from its inventory and dependency map as they are now, and keeps it
 * as a new version with everything a reviewer needs (the request's switches among it, in the cluster layer's pieces).
 */
export async function createPlan(
  deps: PlanningDeps,
  clusterId: string,
  by: string,
  now: Date,
  request: PlanRequest = {},
): Promise<PlanRecord> {
  const { inventory, input: state } = await planInputOf(deps, clusterId);
  const input: PlanInput = { ...state, options: request };
  if (inventory.namespaces.length === 0) {
    throw new PlanningError(
      'plan.no_inventory',
      'the cluster has no inventory yet: import a snapshot (PUT /api/v1/clusters/{id}/snapshot) first',
    );
  }
  const report = deps.planBuilder ? await deps.planBuilder(input) : buildPlanReport(input);
  const { policies, byNamespace: _byNamespace, ...plan } = report.plan;
  const coverage = await coverageOfNamespaces(deps, clusterId, new Set(Object.keys(plan.tiers)), DEFAULT_MIN_OBSERVED_DAYS, now);
  return deps.plans.createNextVersion(
    { clusterId, createdBy: by, policies, report: { ...report, plan, coverage }, summary: summarizePlanReport(report) },
    now,
  );
}

export async function requirePlan(plans: PlanStore, id: string): Promise<PlanRecord> {
  const plan = await plans.get(id);
  if (!plan) throw new PlanningError('plan.not_found', doesNotExist('plan', id));
  return plan;
}

/** A page of the cluster's plans, newest version first. */
export async function listPlans(
  deps: Pick<PlanningDeps, 'clusters' | 'plans'>,
  clusterId: string,
  page: PageRequest<PlanPosition>,
): Promise<KeysetPage<PlanListItem, PlanPosition>> {
  await requireCluster(deps.clusters, clusterId);
  return deps.plans.page(clusterId, page);
}

/** `kubectl apply -f`-ready YAML: one document per policy, the cluster layer's last; or the policies of one namespace. */
export async function planYaml(plans: PlanStore, id: string, namespace?: string): Promise<string> {
  const plan = await requirePlan(plans, id);
  if (namespace === undefined) return renderYaml([...plan.policies, ...plan.report.plan.clusterLayer.policies]);
  if (!(namespace in plan.report.plan.tiers))
    throw new PlanningError('plan.namespace_not_found', `namespace ${namespace} is not in plan v${plan.version}`);
  return renderYaml(plan.policies.filter((p) => p.metadata.namespace === namespace));
}

/** What the cluster enforces with the plan applied: its NetworkPolicies and its cluster layer. */
function layersOf(inventory: Parameters<typeof plannedLayers>[0], plan: PlanRecord, cni: string | undefined): PolicyLayers {
  return plannedLayers(inventory, { policies: plan.policies, clusterLayer: plan.report.plan.clusterLayer }, cni);
}

export interface PlanDiff {
  against: { kind: 'plan'; id: string; version: number } | { kind: 'live' } | { kind: 'none' };
  /** Policy by policy, with the changed YAML lines. */
  policies: PolicyChange[];
  /** The connections (workload pairs, on the ports the destination serves) that become allowed or blocked. */
  semantic: SemanticDiff;
}

/**
 * What changes between a plan and an earlier version (`previous` or a plan id) or the policies the
 * cluster has now (`live`), both as YAML and as connections allowed or blocked.
 */
export async function diffPlan(deps: PlanningDeps, id: string, against: string): Promise<PlanDiff> {
  const plan = await requirePlan(deps.plans, id);
  const { inventory, input } = await planInputOf(deps, plan.clusterId);
  let base: PolicyLayers;
  let ref: PlanDiff['against'];
  if (against === 'live') {
    base = currentLayers(inventory, input.cni);
    ref = { kind: 'live' };
  } else {
    const other = against === 'previous' ? await deps.plans.getVersion(plan.clusterId, plan.version - 1) : await deps.plans.get(against);
    if (against !== 'previous' && (!other || other.clusterId !== plan.clusterId)) {
      throw new PlanningError('plan.diff_against', [
        { field: 'against', reason: `must be previous, live or the id of another plan of the same cluster` },
      ]);
    }
    base = other ? layersOf(inventory, other, input.cni) : { policies: [] };
    ref = other ? { kind: 'plan', id: other.id, version: other.version } : { kind: 'none' };
  }
  return {
    against: ref,
    policies: diffPolicies(base.policies, plan.policies),
    semantic: semanticDiff(inventory, base, layersOf(inventory, plan, input.cni), servedPorts(inventory, input.edges)),
  };
}
