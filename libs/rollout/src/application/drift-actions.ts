import type { KeysetPage, NewestFirstPosition, PageRequest } from '@bulkhead/contracts';
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { PlanRecord, PlanStore } from '@bulkhead/planning';
import { ACTIVE_STATUSES, CLUSTER_SCOPE } from '../domain/types';
import { convergeClusterLayer } from './cluster-layer';
import { checkDrift, clusterLayerDrift, type DriftBaseline, driftBaseline, type DriftDeps, type DriftPolicy, policyDrift } from './drift';
import { clusterBusy, RolloutError } from './errors';
import type { ClusterDriver } from './ports/cluster-driver.port';

export type DriftActionKind = 'reapply' | 'accept';

/** What a person asked for about a cluster's drift, and what came of it. */
export interface DriftAction {
  id: string;
  clusterId: string;
  /** The rollout whose verified namespaces the action is about. */
  rolloutId: string;
  kind: DriftActionKind;
  namespaces: string[];
  requestedBy: string;
  requestedAt: Date;
  status: 'queued' | 'done' | 'failed';
  /** What was done, in words; why it failed. */
  detail: string | null;
  /** An acceptance that made a plan version: that version. */
  planId: string | null;
  finishedAt: Date | null;
}

export type NewDriftAction = Pick<DriftAction, 'clusterId' | 'rolloutId' | 'kind' | 'namespaces' | 'requestedBy' | 'requestedAt'>;

/** An audit entry of a drift action: a namespace's policies (or the cluster-scoped ones, under CLUSTER_SCOPE) before and after. */
export interface DriftAuditEntry {
  action: 'drift.reapplied' | 'drift.accepted';
  namespace: string;
  before: DriftPolicy[];
  after: DriftPolicy[];
  details: Record<string, unknown>;
}

export interface DriftActionStore {
  /** Stores the action as queued; an identical action still queued is answered instead of a second one. */
  create(action: NewDriftAction): Promise<DriftAction>;
  get(id: string): Promise<DriftAction | null>;
  /** The ids of every action still queued, of any cluster: a worker's recovery asks for the jobs Redis lost. */
  queued(): Promise<string[]>;
  /** A page of the cluster's actions, newest first. */
  page(clusterId: string, page: PageRequest<NewestFirstPosition>): Promise<KeysetPage<DriftAction, NewestFirstPosition>>;
  /** Writes audit entries of the action, in the requester's name. */
  audit(action: DriftAction, entries: readonly DriftAuditEntry[]): Promise<void>;
  /** The action ends (unless it already has): done or failed, with what came of it. */
  finish(id: string, outcome: { status: 'done' | 'failed'; detail: string }, at: Date): Promise<void>;
  /** In one transaction: the plan's next version, the action naming it, and the audit entries. */
  accept(
    action: DriftAction,
    plan: Omit<PlanRecord, 'id' | 'version' | 'createdAt'>,
    audit: readonly DriftAuditEntry[],
    at: Date,
  ): Promise<PlanRecord>;
}

export interface DriftActionDeps extends DriftDeps {
  actions: DriftActionStore;
  planRecords: Pick<PlanStore, 'get'>;
  /** The inventory's policies of a namespace become what the cluster reports, after a change. */
  recordLivePolicies(clusterId: string, namespace: string, policies: readonly NetworkPolicy[]): Promise<void>;
  /** The inventory's cluster-scoped policies become what the cluster reports, after a change. */
  recordLiveClusterPolicies(clusterId: string, policies: readonly SnapshotClusterPolicy[]): Promise<void>;
}

const activeRollout = async (deps: Pick<DriftDeps, 'store'>, clusterId: string) =>
  (await deps.store.list({ clusterId, statuses: [...ACTIVE_STATUSES] })).length > 0;

/**
 * Checks a request to act on drift and stores it as queued (a worker carries it out): the cluster must
 * have namespaces a rollout verified, no active rollout, and each namespace named must be one of those.
 * CLUSTER_SCOPE names the cluster stage's guardrails, once verified: they can be re-applied, not accepted (a plan's
 * cluster layer is made from the map, not from what the cluster holds).
 */
export async function requestDriftAction(
  deps: Pick<DriftActionDeps, 'store' | 'drift' | 'actions' | 'clock'>,
  clusterId: string,
  request: { kind: DriftActionKind; namespaces: readonly string[] },
  by: string,
): Promise<DriftAction> {
  const baseline = await driftBaseline(deps, clusterId);
  if (!baseline)
    throw new RolloutError('drift.no_baseline', 'no rollout has verified a namespace of this cluster yet: there is no plan to drift from');
  if (await activeRollout(deps, clusterId)) throw clusterBusy();
  const verified = new Set(baseline.verified.map((s) => s.namespace));
  const problems = request.namespaces.flatMap((namespace, i) => {
    const field = `namespaces[${i}]`;
    if (!verified.has(namespace)) return [{ field, reason: `${namespace} is not a namespace rollout ${baseline.rollout.id} verified` }];
    if (namespace === CLUSTER_SCOPE && request.kind === 'accept')
      return [{ field, reason: `the guardrails (${CLUSTER_SCOPE}) can be re-applied, not accepted: make a new plan to change them` }];
    return [];
  });
  if (problems.length) throw new RolloutError('drift.unknown_namespace', problems);
  return deps.actions.create({
    clusterId,
    rolloutId: baseline.rollout.id,
    kind: request.kind,
    namespaces: [...new Set(request.namespaces)].sort(),
    requestedBy: by,
    requestedAt: deps.clock(),
  });
}

/** Why an action cannot be carried out now, or null. */
async function refusal(deps: DriftActionDeps, action: DriftAction, baseline: DriftBaseline | null): Promise<string | null> {
  if (!baseline || baseline.rollout.id !== action.rolloutId)
    return 'a newer rollout has verified namespaces since it was asked for: check drift again, and act on what it finds';
  if (await activeRollout(deps, action.clusterId)) return 'a rollout is active on the cluster: finish, abort or roll it back first';
  return null;
}

/** What a re-apply reads, compares and puts back: a namespace's NetworkPolicies, or the cluster layer under CLUSTER_SCOPE. */
interface ReapplyTarget {
  expected(planId: string): Promise<DriftPolicy[]>;
  read(): Promise<DriftPolicy[]>;
  drift(expected: DriftPolicy[], live: DriftPolicy[], planVersion: number): ReturnType<typeof policyDrift>;
  put(expected: DriftPolicy[]): Promise<void>;
  record(live: DriftPolicy[]): Promise<void>;
}

function reapplyTarget(deps: DriftActionDeps, driver: ClusterDriver, clusterId: string, namespace: string): ReapplyTarget {
  if (namespace === CLUSTER_SCOPE) {
    const cluster = (list: DriftPolicy[]) => list as SnapshotClusterPolicy[];
    return {
      expected: (planId) => deps.plans.clusterPoliciesFor(planId),
      read: () => driver.readClusterPolicies(),
      drift: (expected, live, planVersion) => clusterLayerDrift(cluster(expected), cluster(live), planVersion),
      // The layer as the plan has it, and none that Bulkhead applied besides; the cluster policies of others stay.
      put: (expected) => convergeClusterLayer(driver, cluster(expected)),
      record: (live) => deps.recordLiveClusterPolicies(clusterId, cluster(live)),
    };
  }
  const namespaced = (list: DriftPolicy[]) => list as NetworkPolicy[];
  return {
    expected: (planId) => deps.plans.policiesFor(planId, namespace),
    read: () => driver.readPolicies(namespace),
    drift: (expected, live, planVersion) => policyDrift(namespace, expected, live, planVersion),
    put: async (expected) => void (await driver.restorePolicies(namespace, namespaced(expected))),
    record: (live) => deps.recordLivePolicies(clusterId, namespace, namespaced(live)),
  };
}

/**
 * Puts back, in each namespace, exactly the baseline plan's policies (and for CLUSTER_SCOPE, its cluster layer; a
 * namespace that already holds them is left alone), each under the namespace's lock and audited with its policies before and after.
 */
async function reapply(deps: DriftActionDeps, action: DriftAction, baseline: DriftBaseline): Promise<string> {
  const driver = await deps.driverFor(action.clusterId);
  const changed: string[] = [];
  for (const namespace of action.namespaces) {
    const target = reapplyTarget(deps, driver, action.clusterId, namespace);
    const expected = await target.expected(baseline.planId);
    const entry = await deps.store.withNamespaceLock(baseline.rollout, namespace, async () => {
      if (await activeRollout(deps, action.clusterId)) throw new Error('a rollout became active on the cluster');
      const before = await target.read();
      if (target.drift(expected, before, baseline.planVersion).length === 0) return null;
      await target.put(expected);
      const after = await target.read();
      await target.record(after);
      return { action: 'drift.reapplied', namespace, before, after, details: { actionId: action.id, planId: baseline.planId } } as const;
    });
    if (entry) {
      await deps.actions.audit(action, [entry]);
      changed.push(namespace);
    }
  }
  const unchanged = action.namespaces.filter((n) => !changed.includes(n));
  return [
    changed.length ? `re-applied plan v${baseline.planVersion} to ${changed.join(', ')}` : '',
    unchanged.length ? `${unchanged.join(', ')} already held plan v${baseline.planVersion}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * Makes the plan's next version from the baseline plan, with each namespace's policies replaced by what
 * the cluster has now; nothing when they already say the same.
 */
async function accept(deps: DriftActionDeps, action: DriftAction, baseline: DriftBaseline): Promise<string> {
  const driver = await deps.driverFor(action.clusterId);
  const base = await deps.planRecords.get(baseline.planId);
  if (!base) throw new Error(`plan ${baseline.planId} is gone`);
  const taking = new Set(action.namespaces);
  const entries = [];
  const livePolicies: NetworkPolicy[] = [];
  for (const namespace of action.namespaces) {
    const planned = base.policies.filter((p) => p.metadata.namespace === namespace);
    const live = await driver.readPolicies(namespace);
    livePolicies.push(...live);
    if (policyDrift(namespace, planned, live, base.version).length > 0)
      entries.push({ action: 'drift.accepted', namespace, before: planned, after: live, details: { actionId: action.id } } as const);
  }
  if (entries.length === 0) return `${action.namespaces.join(', ')} already held plan v${base.version}: no new version`;
  const policies = [...base.policies.filter((p) => !taking.has(p.metadata.namespace)), ...livePolicies];
  const plan = await deps.actions.accept(
    action,
    {
      clusterId: base.clusterId,
      createdBy: action.requestedBy,
      policies,
      report: base.report,
      summary: { ...base.summary, policies: policies.length },
    },
    entries,
    deps.clock(),
  );
  return `plan v${plan.version} made from v${base.version} with the live policies of ${entries.map((e) => e.namespace).join(', ')}`;
}

/**
 * Carries out a queued drift action (a worker's job), then checks drift again, so that the findings
 * show what the cluster holds now. A replayed job finds the action ended and does nothing.
 */
export async function carryOutDriftAction(
  deps: DriftActionDeps,
  actionId: string,
): Promise<{ status: 'done' | 'skipped'; detail: string }> {
  const action = await deps.actions.get(actionId);
  if (!action || action.status !== 'queued') return { status: 'skipped', detail: 'the action has already ended' };
  const baseline = await driftBaseline(deps, action.clusterId);
  const refused = await refusal(deps, action, baseline);
  if (refused || !baseline) {
    await deps.actions.finish(action.id, { status: 'failed', detail: refused ?? '' }, deps.clock());
    return { status: 'done', detail: `refused: ${refused}` };
  }
  const detail = action.kind === 'reapply' ? await reapply(deps, action, baseline) : await accept(deps, action, baseline);
  const check = await checkDrift(deps, action.clusterId);
  const left = check?.findings.filter((f) => action.namespaces.includes(f.namespace)).length ?? 0;
  const outcome = `${detail}; the drift check after it found ${left === 0 ? 'nothing' : `${left} finding(s)`} in ${action.namespaces.length === 1 ? 'that namespace' : 'those namespaces'}`;
  await deps.actions.finish(action.id, { status: 'done', detail: outcome }, deps.clock());
  return { status: 'done', detail: outcome };
}

/** Records that the action could not be carried out (its job gave up). */
export async function giveUpDriftAction(deps: Pick<DriftActionDeps, 'actions' | 'clock'>, actionId: string, error: string): Promise<void> {
  await deps.actions.finish(actionId, { status: 'failed', detail: error }, deps.clock());
}
