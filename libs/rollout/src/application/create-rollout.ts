import { DEFAULT_APPROVAL_TIERS, type RolloutCoverage } from '@bulkhead/contracts';
import { type CoverageChoice, decideCoverage, isSystemNamespace, type PlannedNamespace, recommendedHandling } from '../domain/coverage';
import type { CreateRolloutInput, GuardrailInput, NamespaceInput, RolloutEvent, Tier } from '../domain/types';
import { selectGuardrailProbes } from '../domain/guardrail-probes';
import { transition } from '../domain/machine';
import { parseWorkloadRef, selectProbes, type DependencyEdge, type InventoryNamespaceInput, type WorkloadRef } from '../domain/probes';
import { type PlanningDeps, type PlanRecord, requirePlan } from '@bulkhead/planning';
import { effectiveTier, type StoredNamespace } from '@bulkhead/inventory';
import { RolloutError } from './errors';
import type { RolloutCore } from './rollouts';

export interface CreateRolloutDeps extends RolloutCore {
  planning: PlanningDeps;
  newId(): string;
  /** the tiers whose stages wait for an approver (server policy); DEFAULT_APPROVAL_TIERS when absent */
  approvalTiers?: readonly Tier[];
}

export interface CreateRolloutRequest extends CoverageChoice {
  planId: string;
  config?: CreateRolloutInput['config'];
  by: string;
  /** the person behind `by` (see RolloutState.creatorId) */
  creatorId: string;
  /** Start at once (or at `scheduledAt`) instead of leaving a draft. */
  start?: boolean;
  scheduledAt?: string;
}

/** The plan's namespaces, each with its tier in the inventory (null: none) and how many policies the plan has for it. */
export function plannedNamespaces(plan: PlanRecord, stored: readonly StoredNamespace[]): PlannedNamespace[] {
  const tiers = new Map(stored.map((ns) => [ns.name, effectiveTier(ns)]));
  const policies = new Map<string, number>();
  for (const policy of plan.policies) policies.set(policy.metadata.namespace, (policies.get(policy.metadata.namespace) ?? 0) + 1);
  return [...policies.keys()]
    .sort()
    .map((namespace) => ({ namespace, tier: tiers.get(namespace) ?? null, policies: policies.get(namespace)! }));
}

/** What a rollout of the plan would have to place: every namespace with its tier, or none, and what to do with it. */
export async function previewCoverage(deps: Pick<CreateRolloutDeps, 'planning'>, planId: string): Promise<RolloutCoverage> {
  const plan = await requirePlan(deps.planning.plans, planId);
  const planned = plannedNamespaces(plan, await deps.planning.inventory.namespaces(plan.clusterId));
  return {
    planId: plan.id,
    planVersion: plan.version,
    namespaces: planned.map((p) => ({ ...p, system: isSystemNamespace(p.namespace), recommended: recommendedHandling(p) })),
  };
}

const DATA_STORE = /postgres|mysql|maria|mongo|redis|memcache|kafka|rabbit|nats|elastic|opensearch|cassandra|etcd|zookeeper|minio|db\b/i;

const workloadOf = (key: string): WorkloadRef | null =>
  key.startsWith('workload:') ? parseWorkloadRef(key.slice('workload:'.length)) : null;

/** A staged namespace of a rollout: where the rollout puts it. */
export interface StagedNamespace {
  namespace: string;
  tier: Tier;
}

/**
 * What the probes of a rollout are chosen from: the connections between live workloads the plan allows and those
 * the map saw that it forbids, and the namespaces with a tier, with their live workloads. A probe runs from and to
 * live pods: a CronJob between runs, or a workload scaled to zero, has none.
 */
interface ProbeMap {
  allowed: DependencyEdge[];
  forbidden: DependencyEdge[];
  namespaces: InventoryNamespaceInput[];
}

async function probeMap(planning: PlanningDeps, plan: PlanRecord, tiers: ReadonlyMap<string, Tier | null>): Promise<ProbeMap> {
  const inventory = await planning.inventory.load(plan.clusterId);
  const running = new Set(
    inventory.pods
      .filter((p) => !p.synthetic && (p.phase === undefined || p.phase === 'Running'))
      .map((p) => `${p.namespace}/${p.workload.name}`),
  );
  const live = (r: { namespace: string; workload: string }) => running.has(`${r.namespace}/${r.workload}`);

  const allowed: DependencyEdge[] = [];
  const forbidden: DependencyEdge[] = [];
  for (const e of plan.report.impact.edges) {
    if ((e.after !== 'allowed' && e.after !== 'denied') || e.edge.port === null) continue;
    const from = workloadOf(e.edge.src);
    const to = workloadOf(e.edge.dst);
    const protocol = String(e.edge.protocol);
    if (from && to && live(from) && live(to) && (protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP'))
      (e.after === 'allowed' ? allowed : forbidden).push({ from, to, port: e.edge.port, protocol });
  }
  const namespaces: InventoryNamespaceInput[] = inventory.namespaces
    .filter((ns) => tiers.get(ns.name))
    .map((ns) => ({
      name: ns.name,
      tier: tiers.get(ns.name) as Tier,
      workloads: inventory.workloads
        .filter((w) => w.namespace === ns.name && live({ namespace: w.namespace, workload: w.name }))
        .map((w) => ({
          name: w.name,
          ports: w.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
          dataStore: DATA_STORE.test(w.name) || Object.values(w.labels).some((v) => DATA_STORE.test(v)),
        })),
    }));
  return { allowed, forbidden, namespaces };
}

/**
 * Each staged namespace with how many namespaces depend on it under `plan` and the probes that will prove
 * it (every allowed edge touching it must connect, DNS must resolve, a sample of forbidden pairs, other
 * tiers first, must stay blocked).
 */
export async function namespaceInputs(
  planning: PlanningDeps,
  plan: PlanRecord,
  staged: readonly StagedNamespace[],
  stored: readonly StoredNamespace[],
): Promise<NamespaceInput[]> {
  // A namespace's tier for its probes: the stage the rollout puts it in, else its own (an excluded one still has pods to probe from).
  const tiers = new Map<string, Tier | null>([
    ...stored.map((ns) => [ns.name, effectiveTier(ns)] as const),
    ...staged.map((ns) => [ns.namespace, ns.tier] as const),
  ]);
  const { allowed, namespaces } = await probeMap(planning, plan, tiers);
  const dependents = new Map<string, Set<string>>();
  for (const e of allowed)
    if (e.from.namespace !== e.to.namespace)
      (dependents.get(e.to.namespace) ?? dependents.set(e.to.namespace, new Set()).get(e.to.namespace)!).add(e.from.namespace);
  return staged.map(({ namespace: name, tier }) => ({
    name,
    tier,
    dependents: dependents.get(name)?.size ?? 0,
    probes: selectProbes({ namespace: name, edges: allowed, namespaces, egressDenied: true }),
  }));
}

/**
 * The plan's cluster layer as a stage: where the plan puts it, and probes across tiers and namespaces chosen from
 * the map (each namespace at its tier in the inventory). None when the plan has no cluster-scoped policies.
 */
export async function guardrailInput(
  planning: PlanningDeps,
  plan: PlanRecord,
  stored: readonly StoredNamespace[],
): Promise<GuardrailInput | undefined> {
  const layer = plan.report.plan.clusterLayer;
  if (!layer || layer.policies.length === 0) return undefined;
  const { allowed, forbidden, namespaces } = await probeMap(planning, plan, new Map(stored.map((ns) => [ns.name, effectiveTier(ns)])));
  const tierIsolation = layer.pieces.some((piece) => piece.piece === 'tierIsolation' && piece.included);
  return { placement: layer.stage ?? 'afterProd', probes: selectGuardrailProbes({ allowed, forbidden, namespaces, tierIsolation }) };
}

/** Turns a plan into a rollout: its namespaces in stages by tier, fewest dependents first, each with its probes (see namespaceInputs). */
export async function createRollout(deps: CreateRolloutDeps, request: CreateRolloutRequest) {
  const plan = await requirePlan(deps.planning.plans, request.planId);
  const stored = await deps.planning.inventory.namespaces(plan.clusterId);
  const guardrails = await guardrailInput(deps.planning, plan, stored);
  const coverage = decideCoverage(plannedNamespaces(plan, stored), request, plan.version, guardrails !== undefined);
  if (coverage.problems.length) throw new RolloutError('rollout.invalid_input', coverage.problems);
  const inputs = await namespaceInputs(deps.planning, plan, coverage.staged, stored);

  const now = deps.clock();
  const created = transition(
    undefined,
    {
      type: 'create',
      input: {
        id: deps.newId(),
        clusterId: plan.clusterId,
        planId: plan.id,
        planVersion: plan.version,
        createdBy: request.by,
        creatorId: request.creatorId,
        approvalTiers: deps.approvalTiers ?? DEFAULT_APPROVAL_TIERS,
        namespaces: inputs,
        excluded: coverage.excluded,
        config: request.config,
        ...(guardrails ? { guardrails } : {}),
      },
    },
    now,
  );
  if (!created.ok) throw RolloutError.refusing(created.error);
  // Scheduling or starting is decided before anything is written: one refused leaves no draft behind.
  const then: RolloutEvent | undefined = request.scheduledAt
    ? { type: 'schedule', at: request.scheduledAt, by: request.by }
    : request.start
      ? { type: 'start', by: request.by }
      : undefined;
  const result = then ? transition(created.state, then, now) : created;
  if (!result.ok) throw RolloutError.refusing(result.error);
  await deps.store.insert(result.state, then ? [...created.audit, ...result.audit] : created.audit);
  await deps.dispatcher.dispatch(result.state.id, result.commands);
  return result.state;
}
