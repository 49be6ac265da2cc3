/**
 * The halt actions that need more than the machine: declaring the dependency a failed probe points at
 * (the edge, then the cluster's next plan version), and continuing with a newer plan version (which
 * namespaces it changes, and their probes under it). Retry and skip are events recorded as they come.
 */
import { doesNotExist } from '@bulkhead/contracts';
import { declareEdge } from '@bulkhead/inventory';
import { diffPolicies } from '@bulkhead/plan';
import { createPlan, type PlanRecord, type PlanStore, PlanningError, requirePlan } from '@bulkhead/planning';
import { haltActionRefusal, isStopped } from '../domain/machine';
import { type NewestPlan, nextActionsOf, suggestedDependency } from '../domain/next-actions';
import { CLUSTER_SCOPE, CLUSTER_STAGE, type CallSpec, type NextAction, type RolloutState, type Tier } from '../domain/types';
import { type CreateRolloutDeps, guardrailInput, namespaceInputs, plannedNamespaces } from './create-rollout';
import { RolloutError } from './errors';
import { recordEvent } from './rollouts';

async function requireRollout(deps: Pick<CreateRolloutDeps, 'store'>, id: string): Promise<RolloutState> {
  const state = await deps.store.get(id);
  if (!state) throw new RolloutError('rollout.not_found', doesNotExist('rollout', id));
  return state;
}

/** The cluster's newest plan, if it has one. */
export async function newestPlanOf(plans: Pick<PlanStore, 'page'>, clusterId: string): Promise<NewestPlan | undefined> {
  const [newest] = (await plans.page(clusterId, { limit: 1 })).items;
  return newest && { id: newest.id, version: newest.version };
}

/** What can be done about the rollout now, as GET /rollouts/{id} lists it: none when there is no such rollout or it is not halted. */
export async function nextActionsNow(
  deps: { store: Pick<CreateRolloutDeps['store'], 'get'>; plans: Pick<PlanStore, 'page'> },
  id: string,
  now: Date,
): Promise<NextAction[]> {
  const state = await deps.store.get(id);
  if (state?.status !== 'halted') return [];
  return nextActionsOf(state, await newestPlanOf(deps.plans, state.clusterId), now);
}

const allows = (plan: PlanRecord, call: CallSpec): boolean =>
  plan.report.impact.edges.some(
    (e) =>
      e.after === 'allowed' &&
      e.edge.src === `workload:${call.from}` &&
      e.edge.dst === `workload:${call.to}` &&
      e.edge.port === call.port &&
      String(e.edge.protocol) === call.protocol,
  );

export interface DeclareFromHalt {
  namespace: string;
  probeId: string;
  comment?: string;
}

/**
 * Declares the dependency a failed probe of a halted rollout points at, and makes the cluster's next plan
 * version, which allows it. A repeat declares nothing new (the map has the edge) and makes no plan (the
 * newest one, newer than the rollout's, allows it already). Answers the rollout, which now offers to continue.
 */
export async function declareDependencyFromHalt(
  deps: CreateRolloutDeps,
  id: string,
  request: DeclareFromHalt,
  by: string,
): Promise<RolloutState> {
  const state = await requireRollout(deps, id);
  const refusal = haltActionRefusal(state);
  if (refusal) throw new RolloutError('rollout.illegal_state', refusal);
  const step = state.steps.find((candidate) => candidate.namespace === request.namespace);
  if (!step)
    throw new RolloutError('rollout.invalid_input', [{ field: 'namespace', reason: `${request.namespace} is not part of rollout ${id}` }]);
  if (!isStopped(step) || step.haltReason?.code !== 'probe_failed')
    throw new RolloutError(
      'rollout.illegal_state',
      `${step.namespace} did not stop on a failed probe: there is no dependency to declare from it`,
    );
  const probe = step.probes.find((candidate) => candidate.id === request.probeId && candidate.outcome === 'failed');
  if (!probe)
    throw new RolloutError('rollout.invalid_input', [
      { field: 'probeId', reason: `${step.namespace} has no failed probe ${request.probeId}` },
    ]);
  const dependency = suggestedDependency(probe);
  if (!dependency)
    throw new RolloutError('rollout.illegal_state', `probe ${probe.id} points at no connection between workloads to declare`);
  const now = deps.clock();
  const comment = request.comment ?? `declared from the halt of rollout ${id}: probe ${probe.id} of ${step.namespace} failed on it`;
  await declareEdge(deps.planning, state.clusterId, { ...dependency, comment }, by, now);
  const newest = await newestPlanOf(deps.planning.plans, state.clusterId);
  const current = newest && newest.version > state.planVersion ? await requirePlan(deps.planning.plans, newest.id) : undefined;
  if (!current || !allows(current, dependency)) await createPlan(deps.planning, state.clusterId, by, now);
  return requireRollout(deps, id);
}

/** Why a plan version cannot continue the rollout: it has policies for namespaces the rollout does not cover, or none for ones it steps. */
function coverageChange(state: RolloutState, plan: PlanRecord, planned: readonly string[]): string | undefined {
  const covered = new Set([...state.steps.map((step) => step.namespace), ...(state.excluded ?? []).map((entry) => entry.namespace)]);
  const inPlan = new Set(planned);
  const uncovered = planned.filter((namespace) => !covered.has(namespace));
  const gone = state.steps.filter((step) => !inPlan.has(step.namespace) && !step.skip?.approvedAt).map((step) => step.namespace);
  if (uncovered.length === 0 && gone.length === 0) return undefined;
  const parts = [
    ...(uncovered.length ? [`has policies for ${uncovered.join(', ')}, which the rollout does not cover`] : []),
    ...(gone.length ? [`has none for ${gone.join(', ')}, which the rollout steps`] : []),
  ];
  return `plan v${plan.version} ${parts.join(' and ')}: make a new rollout of it instead`;
}

/**
 * Continues a halted rollout with a newer version of its cluster's plan: the machine steps again the
 * stopped namespaces and the verified ones whose policies differ between the two versions, with their
 * probes under the new one. Asking again for the version it already runs changes nothing.
 */
export async function continueRollout(deps: CreateRolloutDeps, id: string, planVersion: number, by: string): Promise<RolloutState> {
  const state = await requireRollout(deps, id);
  if (planVersion === state.planVersion)
    return recordEvent(deps, id, { type: 'continueWith', by, planId: state.planId, planVersion, changed: [], probes: {} });
  const plan = await deps.planning.plans.getVersion(state.clusterId, planVersion);
  if (!plan) throw new PlanningError('plan.not_found', `the cluster of rollout ${id} has no plan v${planVersion}`);
  const current = await requirePlan(deps.planning.plans, state.planId);
  const stored = await deps.planning.inventory.namespaces(state.clusterId);
  // The cluster stage's step stands under CLUSTER_SCOPE where a namespace's name goes: covered, changed and probed alike.
  const guardrails = await guardrailInput(deps.planning, plan, stored);
  const changedCoverage = coverageChange(state, plan, [
    ...plannedNamespaces(plan, stored).map((p) => p.namespace),
    ...(guardrails ? [CLUSTER_SCOPE] : []),
  ]);
  if (changedCoverage) throw new RolloutError('rollout.coverage_changed', changedCoverage);
  const layerChanged =
    JSON.stringify(current.report.plan.clusterLayer?.policies ?? []) !== JSON.stringify(plan.report.plan.clusterLayer?.policies ?? []);
  const changed = [
    ...new Set([
      ...diffPolicies(current.policies, plan.policies).map((change) => change.namespace),
      ...(layerChanged ? [CLUSTER_SCOPE] : []),
    ]),
  ];
  const staged = state.steps
    .filter((step): step is typeof step & { tier: Tier } => step.tier !== CLUSTER_STAGE)
    .map((step) => ({ namespace: step.namespace, tier: step.tier }));
  const inputs = await namespaceInputs(deps.planning, plan, staged, stored);
  const probes = Object.fromEntries([
    ...inputs.map((input) => [input.name, input.probes] as const),
    ...(guardrails ? [[CLUSTER_SCOPE, guardrails.probes] as const] : []),
  ]);
  return recordEvent(deps, id, { type: 'continueWith', by, planId: plan.id, planVersion: plan.version, changed, probes });
}
