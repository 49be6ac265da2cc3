import { doesNotExist } from '@bulkhead/contracts';
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import { transition, transitionAll } from '../domain/machine';
import { outstandingCommands, isCommandCurrent } from '../domain/commands';
import { parseWorkloadRef } from '../domain/probes';
import { required } from '../domain/required';
import { ACTIVE_STATUSES } from '../domain/types';
import type {
  AuditEntry,
  ObservedSpan,
  PolicyDocument,
  PolicyScope,
  ProbeObservation,
  ProbeRun,
  RolloutCommand,
  RolloutEvent,
  RolloutState,
  Tier,
  TransitionResult,
} from '../domain/types';
import { clusterPolicyKey, convergeClusterLayer } from './cluster-layer';
import { RolloutError } from './errors';
import type { ChangeOrigin, ClusterDriver, ConnectivityProbe, Delivered } from './ports/cluster-driver.port';
import type { PlanPolicies, RolloutDispatcher } from './ports/rollout-dispatcher.port';
import type { RolloutStore } from './ports/rollout-store.port';
import type { RolloutStateCache } from './rollout-state-cache';

/** What recording an event needs: the state, the workers, the time. */
export interface RolloutCore {
  store: RolloutStore;
  dispatcher: RolloutDispatcher;
  clock(): Date;
  /**
   * Called at the points where a crash is most interesting: `transition` after each committed change,
   * `driver.<command>` after each call to the cluster. The crash tests kill the worker there.
   */
  checkpoint?(point: string): void;
}

/** What carrying out commands needs besides: the plan's policies, the namespaces' tiers now, and the cluster. */
export interface RolloutDeps extends RolloutCore {
  /** The store behind the cache of what this process last saw, where a job finds its command (see locate). */
  store: RolloutStateCache;
  plans: PlanPolicies;
  /** A namespace's tier as the inventory has it now (null: none, or no such namespace). */
  namespaceTier(clusterId: string, namespace: string): Promise<Tier | null>;
  /** The inventory's policies of a namespace become what the cluster reports, after an apply or a restore. */
  recordLivePolicies(clusterId: string, namespace: string, policies: readonly NetworkPolicy[]): Promise<void>;
  /** The same for the cluster-scoped policies, after the cluster stage's apply or restore. */
  recordLiveClusterPolicies(clusterId: string, policies: readonly SnapshotClusterPolicy[]): Promise<void>;
  driverFor(clusterId: string): Promise<ClusterDriver>;
  /** Per namespace, its latest span observed without a gap at `now` (null: never observed). */
  observedSpans(clusterId: string, namespaces: readonly string[], now: Date): Promise<Record<string, ObservedSpan | null>>;
}

function settle(result: TransitionResult | null, id: string): Extract<TransitionResult, { ok: true }> {
  if (!result) throw new RolloutError('rollout.not_found', doesNotExist('rollout', id));
  if (!result.ok) throw RolloutError.refusing(result.error);
  return result;
}

type Decided = Extract<TransitionResult, { ok: true }>;

interface RecordOptions {
  audit?: (state: RolloutState) => AuditEntry[];
  /** The caller carries out this step's next command itself: it is not handed to the workers. */
  keepStep?: string;
  /** The caller also carries out the first commands of steps the change started, as many as this allows. */
  adopt?: Budget;
}

/** How many more steps a job may take on. */
interface Budget {
  steps: number;
}

/**
 * How many steps one job runs at most: its own and those it takes on as its results start them. Past
 * that, started steps are queued: a job ends in bounded time (a worker that shuts down waits for its
 * jobs), and the waves of a long stage still spread over the workers.
 */
const JOB_STEP_LIMIT = 16;

type Recorded = Decided & { kept?: string; adopted: string[] };

/**
 * Writes a change, then hands the outstanding commands to the workers, all but those the caller runs
 * itself: the kept step's next one, answered as `kept`, and the adopted first commands of steps the
 * change started, answered as `adopted`.
 */
async function record(
  deps: RolloutCore,
  id: string,
  change: (state: RolloutState) => TransitionResult,
  options: RecordOptions = {},
): Promise<Recorded> {
  const result = settle(await deps.store.update(id, change, options.audit), id);
  if (result.changed) deps.checkpoint?.('transition');
  const kept = options.keepStep ? result.commands.find((c) => 'stepId' in c && c.stepId === options.keepStep)?.key : undefined;
  const started = new Set(options.adopt ? result.audit.filter((a) => a.action === 'rollout.step.start').map((a) => a.stepId) : []);
  const adopted = result.commands
    .filter((c) => c.type === 'snapshotNamespace' && started.has(c.stepId))
    .slice(0, options.adopt?.steps ?? 0)
    .map((c) => c.key);
  if (options.adopt) options.adopt.steps -= adopted.length;
  await deps.dispatcher.dispatch(id, result.commands, new Set([...(kept ? [kept] : []), ...adopted]));
  return { ...result, kept, adopted };
}

/**
 * Records one event (a person's action, a result, or a tick), then hands every outstanding command to
 * the workers. The state is written before anything is done about it, so a crash after the commit
 * loses nothing: the reconciler's next tick re-derives the same commands.
 */
export async function recordEvent(deps: RolloutCore, id: string, event: RolloutEvent): Promise<RolloutState> {
  return (await record(deps, id, (state) => transition(state, event, deps.clock()))).state;
}

/** Records a command's results (one, or a probe batch) in one change: see `transitionAll`. */
function recordEvents(deps: RolloutCore, id: string, events: readonly RolloutEvent[], options: RecordOptions): Promise<Recorded> {
  return record(deps, id, (state) => transitionAll(state, events, deps.clock()), options);
}

/** "Look at rollout R now": what a wake-up, a reconciler pass or a restarted worker does. */
export const advance = (deps: RolloutCore, id: string) => recordEvent(deps, id, { type: 'tick' });

export type ExecuteOutcome = { status: 'done' | 'skipped'; detail?: string };

const cleanPolicy = (p: PolicyDocument): NetworkPolicy => p as unknown as NetworkPolicy;
const asDocuments = (list: ReadonlyArray<NetworkPolicy | SnapshotClusterPolicy>): PolicyDocument[] => list as unknown as PolicyDocument[];

/**
 * What a snapshot, an apply or a restore does to what it changes: a namespace's NetworkPolicies, or the
 * cluster-scoped policies for the cluster stage's step. The step around it (the lock, the check that the
 * command is still current, the events, the audit entries) is the same for both.
 */
interface PolicyTarget {
  read(): Promise<PolicyDocument[]>;
  /** The plan's policies made live (the namespace's only ones; cluster-scoped ones of others are left alone). */
  apply(planned: PolicyDocument[], change: ChangeOrigin): Promise<Delivered | void>;
  restore(snapshot: PolicyDocument[], change: ChangeOrigin): Promise<Delivered | void>;
  /** What the change left, as the cluster reports it; kept in the inventory where it keeps it. */
  readBack(intended: readonly PolicyDocument[]): Promise<{ policies: readonly PolicyDocument[]; readFromCluster: boolean }>;
}

function policyTarget(
  deps: RolloutDeps,
  driver: ClusterDriver,
  command: { clusterId: string; namespace: string } & PolicyScope,
): PolicyTarget {
  if (command.scope === 'cluster') {
    const asClusterPolicies = (list: PolicyDocument[]) => list as unknown as SnapshotClusterPolicy[];
    return {
      read: async () => asDocuments(await driver.readClusterPolicies()),
      // The plan's layer replaces the one an earlier plan version applied; cluster policies of others are left alone.
      apply: (planned) => convergeClusterLayer(driver, asClusterPolicies(planned)),
      // Nothing to put back when the cluster holds the snapshot already (an apply refused before it wrote anything,
      // by a cluster that takes its changes through git, say): a restore it would refuse too must not be retried forever.
      restore: async (snapshot) => {
        if (sameClusterPolicies(await driver.readClusterPolicies(), asClusterPolicies(snapshot))) return;
        await driver.restoreClusterPolicies(asClusterPolicies(snapshot));
      },
      readBack: async (intended) => {
        let live: SnapshotClusterPolicy[];
        try {
          live = await driver.readClusterPolicies();
        } catch {
          return { policies: intended, readFromCluster: false };
        }
        await deps.recordLiveClusterPolicies(command.clusterId, live);
        return { policies: asDocuments(live), readFromCluster: true };
      },
    };
  }
  return {
    read: async () => asDocuments(await driver.readPolicies(command.namespace)),
    apply: (planned, change) => driver.applyPolicies(command.namespace, planned.map(cleanPolicy), { prune: true, change }),
    restore: (snapshot, change) => driver.restorePolicies(command.namespace, snapshot.map(cleanPolicy), { change }),
    readBack: async (intended) => {
      const live = await readBack(deps, driver, command, intended.map(cleanPolicy));
      return { policies: asDocuments(live.policies), readFromCluster: live.readFromCluster };
    },
  };
}

/** Whether two lists hold the same cluster-scoped policies, each exactly, in any order. */
function sameClusterPolicies(left: readonly SnapshotClusterPolicy[], right: readonly SnapshotClusterPolicy[]): boolean {
  const canonical = (list: readonly SnapshotClusterPolicy[]): string =>
    list
      .map((policy) => ({ key: clusterPolicyKey(policy), text: JSON.stringify(policy) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((entry) => entry.text)
      .join('\n');
  return canonical(left) === canonical(right);
}

function target(run: ProbeRun): ConnectivityProbe['to'] {
  if (run.probe.kind === 'must-resolve') return { kind: 'dns', name: run.probe.to };
  const to = parseWorkloadRef(run.probe.to);
  return { kind: 'workload', namespace: to.namespace, name: to.workload };
}

function observed(connected: boolean, error: boolean | undefined): ProbeObservation {
  if (error) return 'error';
  return connected ? 'reached' : 'not_reached';
}

/**
 * The namespace's policies as the cluster holds them after a change, which the inventory takes on at
 * once (the overview counts them without a sync). A read that fails leaves the inventory as it was
 * until the next sync, and the audit shows what was asked for (`intended`): the change itself was made,
 * and the step goes on.
 */
async function readBack(
  deps: RolloutDeps,
  driver: ClusterDriver,
  command: { clusterId: string; namespace: string },
  intended: readonly NetworkPolicy[],
): Promise<{ policies: readonly NetworkPolicy[]; readFromCluster: boolean }> {
  let live: NetworkPolicy[];
  try {
    live = await driver.readPolicies(command.namespace);
  } catch {
    return { policies: intended, readFromCluster: false };
  }
  await deps.recordLivePolicies(command.clusterId, command.namespace, live);
  return { policies: live, readFromCluster: true };
}

const namesOf = (policies: readonly PolicyDocument[]): string[] =>
  policies
    .map((policy) => {
      const name = (policy.metadata as { name?: unknown } | undefined)?.name;
      return typeof name === 'string' ? name : '';
    })
    .sort();

/** The audit entry of an apply or a restore: the namespace's policies before and after, and their names. */
function policyChange(
  deps: RolloutCore,
  state: RolloutState,
  command: { stepId: string; namespace: string },
  action: 'rollout.step.policies_applied' | 'rollout.step.policies_restored',
  before: readonly PolicyDocument[] | null,
  after: { policies: readonly PolicyDocument[]; readFromCluster: boolean },
  delivered: Delivered | void,
): AuditEntry {
  const afterDocuments = [...after.policies];
  return {
    at: deps.clock().toISOString(),
    rolloutId: state.id,
    version: state.version,
    action,
    stepId: command.stepId,
    namespace: command.namespace,
    detail: {
      before: before && [...before],
      after: afterDocuments,
      policies: { before: before && namesOf(before), after: namesOf(afterDocuments) },
      // "cluster": read back after the change; "request": what was asked for, the cluster not answering the read.
      afterSource: after.readFromCluster ? 'cluster' : 'request',
      // Through git: the commit that carried the change, which the cluster was seen to apply.
      ...(delivered ? { delivered: { commit: delivered.commit, branch: delivered.branch } } : {}),
    },
  };
}

/** The step a change to the cluster is made for, as a driver that records its changes names them. */
const originOf = (command: { rolloutId: string; stepId: string }) => ({ rolloutId: command.rolloutId, stepId: command.stepId });

/** How many commands of one step a job carries out in a row at most (snapshot, apply, probes, restore). */
const CHAIN_LIMIT = 6;

/**
 * Carries out one command of a rollout, then the command its result asks for next for the same step,
 * if any is due at once (snapshot, then apply, then probes, or a restore): the step moves on without a
 * round trip through the queue. When a result starts the next wave, the job runs those steps too, side
 * by side, each the same way, up to JOB_STEP_LIMIT steps. Commands run this way are not queued, so a
 * worker that dies running one leaves it to the reconciler, which re-derives it from the state like any
 * lost job.
 */
export async function executeCommand(deps: RolloutDeps, id: string, key: string): Promise<ExecuteOutcome> {
  const budget: Budget = { steps: JOB_STEP_LIMIT - 1 };
  const ran: string[] = [];
  const chains: Array<Promise<void>> = [];
  const errors: unknown[] = [];
  let first: ExecuteOutcome | undefined;
  const chain = async (start: string, known?: RolloutState): Promise<void> => {
    let next: string | undefined = start;
    for (let n = 0; next && n < CHAIN_LIMIT; n++) {
      // The last command a chain may run keeps nothing for itself: its next one goes to the queue.
      const step: Executed = await executeOne(deps, id, next, known, budget, n < CHAIN_LIMIT - 1);
      first ??= step.outcome;
      if (step.outcome.status !== 'done') return;
      ran.push(step.outcome.detail ?? next);
      for (const adopted of step.adopted ?? []) chains.push(chain(adopted, step.state).catch((error) => void errors.push(error)));
      [next, known] = [step.next, step.state];
    }
  };
  chains.push(chain(key).catch((error) => void errors.push(error)));
  for (let i = 0; i < chains.length; i++) await chains[i];
  if (errors.length) throw errors[0]; // the job is tried again; what the others did is recorded
  return ran.length ? { status: 'done', detail: summary(ran) } : first!;
}

/** "snapshotNamespace -> applyPolicies -> runProbes", or counts when a job ran more than one step. */
function summary(ran: readonly string[]): string {
  if (ran.length <= CHAIN_LIMIT) return ran.join(' -> ');
  const counts = new Map<string, number>();
  for (const r of ran) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} x ${type}`).join(', ');
}

interface Executed {
  outcome: ExecuteOutcome;
  /** the key of the step's next command, kept for this job to run */
  next?: string;
  /** the first commands of steps the result started, for this job to run */
  adopted?: string[];
  /** the state the result was recorded in, to find the next command in */
  state?: RolloutState;
}

/**
 * Carries out one command, found by its key in the state as this process last saw it, or as this job
 * just recorded it, else as it is now (a command that is no longer wanted is skipped), and records its
 * result as an event. A change to a namespace is made under the namespace's lock, after checking against
 * the state read there that the command is still current: a late apply never lands after the restore
 * that replaced it. A read-only command found in a state that has since moved on costs nothing worse
 * than a result the domain refuses.
 */
async function executeOne(
  deps: RolloutDeps,
  id: string,
  key: string,
  known: RolloutState | undefined,
  budget: Budget,
  keep: boolean,
): Promise<Executed> {
  const found = await locate(deps, id, key, known);
  if ('outcome' in found) return found;
  const { state, command } = found;
  const driver = await deps.driverFor(state.clusterId);
  const guarded = async (namespace: string, fn: () => Promise<RolloutEvent>): Promise<RolloutEvent | null> =>
    deps.store.withNamespaceLock(state, namespace, async (current) =>
      current && isCommandCurrent(current, command, deps.clock()) ? fn() : null,
    );
  const result = await run(deps, driver, command, guarded);
  deps.checkpoint?.(`driver.${command.type}`);
  if (!result) return { outcome: { status: 'skipped', detail: 'the command was overtaken while waiting for the cluster' } };
  const keepStep = keep && 'stepId' in command ? command.stepId : undefined;
  const recorded: Partial<Recorded> = result.events.length
    ? await recordEvents(deps, id, result.events, { audit: result.audit, keepStep, adopt: budget })
    : {};
  return { outcome: { status: 'done', detail: command.type }, next: recorded.kept, adopted: recorded.adopted, state: recorded.state };
}

/** A command by its key: in the state given or last seen here if it is there, else in the state as it is now. */
async function locate(
  deps: RolloutDeps,
  id: string,
  key: string,
  known?: RolloutState,
): Promise<{ state: RolloutState; command: RolloutCommand } | Executed> {
  const find = (s: RolloutState) => outstandingCommands(s, deps.clock()).find((c) => c.key === key);
  const seen = known ?? deps.store.lastSeen(id);
  const early = seen && find(seen);
  if (seen && early) return { state: seen, command: early };
  const state = await deps.store.get(id);
  if (!state) return { outcome: { status: 'skipped', detail: 'the rollout no longer exists' } };
  const command = find(state);
  return command ? { state, command } : { outcome: { status: 'skipped', detail: 'the command is no longer outstanding' } };
}

/** What a command came to: the events to record (none for one that only waits), and its own audit entries. */
type DriverOutcome = { events: RolloutEvent[]; audit?: (state: RolloutState) => AuditEntry[] };

async function run(
  deps: RolloutDeps,
  driver: ClusterDriver,
  command: RolloutCommand,
  guarded: (namespace: string, fn: () => Promise<RolloutEvent>) => Promise<RolloutEvent | null>,
): Promise<DriverOutcome | null> {
  const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
  switch (command.type) {
    case 'snapshotNamespace': {
      try {
        return { events: [{ type: 'snapshotTaken', stepId: command.stepId, policies: await policyTarget(deps, driver, command).read() }] };
      } catch (error) {
        return { events: [{ type: 'snapshotFailed', stepId: command.stepId, error: errorText(error) }] };
      }
    }
    case 'applyPolicies': {
      const policies = policyTarget(deps, driver, command);
      let planned: PolicyDocument[];
      if (command.scope === 'cluster') planned = asDocuments(await deps.plans.clusterPoliciesFor(command.planId));
      else {
        // Approval went by the tiers the rollout was made with: a namespace whose tier has changed since
        // (raised to prod, say) gets nothing from it, and the rollout halts saying so.
        const tierNow = await deps.namespaceTier(command.clusterId, command.namespace);
        if (tierNow !== command.tier) {
          const error = `${command.namespace} is ${tierNow ?? 'without a tier'} now, not ${command.tier} as when this rollout was made: nothing was applied; make a new rollout, so that its approvals follow the tier`;
          return { events: [{ type: 'applyFailed', stepId: command.stepId, error }] };
        }
        planned = asDocuments(await deps.plans.policiesFor(command.planId, command.namespace));
      }
      let live = { policies: planned as readonly PolicyDocument[], readFromCluster: false };
      let delivered: Delivered | void = undefined;
      const event = await guarded(command.namespace, async () => {
        try {
          // The plan's policies become the namespace's only ones; the snapshot keeps what was there.
          delivered = await policies.apply(planned, originOf(command));
        } catch (error) {
          return { type: 'applyFailed', stepId: command.stepId, error: errorText(error) };
        }
        live = await policies.readBack(planned);
        return { type: 'applied', stepId: command.stepId };
      });
      if (!event) return null;
      return {
        events: [event],
        audit: (state) => {
          const before = state.steps.find((s) => s.id === command.stepId)?.snapshot?.policies ?? [];
          return event.type === 'applied'
            ? [policyChange(deps, state, command, 'rollout.step.policies_applied', before, live, delivered)]
            : [];
        },
      };
    }
    case 'restoreNamespace': {
      const policies = policyTarget(deps, driver, command);
      const restoring = command.snapshot.policies;
      let before: PolicyDocument[] | null = null;
      let live = { policies: restoring as readonly PolicyDocument[], readFromCluster: false };
      let delivered: Delivered | void = undefined;
      const event = await guarded(command.namespace, async () => {
        try {
          // What the restore replaces, for the audit log: the namespace as it is, not as the step left it
          // (null when the cluster does not answer that read, which does not hold the restore up).
          before = await policies.read().catch(() => null);
          delivered = await policies.restore(restoring, originOf(command));
        } catch (error) {
          return { type: 'restoreFailed', stepId: command.stepId, attempt: command.attempt, error: errorText(error) };
        }
        live = await policies.readBack(restoring);
        return { type: 'restored', stepId: command.stepId, attempt: command.attempt };
      });
      if (!event) return null;
      return {
        events: [event],
        audit: (state) =>
          event.type === 'restored' ? [policyChange(deps, state, command, 'rollout.step.policies_restored', before, live, delivered)] : [],
      };
    }
    case 'runProbes': {
      const results = await driver.probe(
        command.probes.map((probeRun) => ({
          // a round after the first has pods of its own: a re-run must not find the answer of the run before
          id: `${command.stepId}.${probeRun.probe.id}.${command.round ? `r${command.round}-` : ''}${probeRun.attempt}`,
          attempt: probeRun.attempt,
          from: parseWorkloadRef(probeRun.probe.from),
          to: target(probeRun),
          port: probeRun.probe.port ?? 53,
          protocol: probeRun.probe.protocol ?? (probeRun.probe.kind === 'must-resolve' ? 'UDP' : 'TCP'),
          timeoutMs: command.timeoutMs,
        })),
      );
      return {
        events: command.probes.map((probeRun, i) => {
          const result = required(results[i], "the driver's result for a probe");
          return {
            type: 'probeResult',
            stepId: command.stepId,
            probeId: probeRun.probe.id,
            attempt: probeRun.attempt,
            observed: observed(result.connected, result.error),
            detail: result.detail,
            ...(result.blockedCall ? { blockedCall: result.blockedCall } : {}),
            ...(command.round ? { round: command.round } : {}),
          };
        }),
      };
    }
    case 'measureCoverage': {
      const at = deps.clock();
      const observed = await deps.observedSpans(command.clusterId, command.namespaces, at);
      return { events: [{ type: 'coverageMeasured', at: at.toISOString(), observed }] };
    }
    case 'wakeAt':
    case 'requestApproval':
      // A wake-up is a delayed "advance" (the dispatcher's business); an approval waits for a person.
      return { events: [] };
  }
}

/** Older than any probe can run: a probe pod this old was left behind. */
export const PROBE_POD_MAX_AGE_MS = 10 * 60_000;

/**
 * Looks at every active rollout once: re-issues whatever a lost job or a crash left undone, and sweeps
 * the probe pods its cluster was left with. A cluster that cannot be swept is named in `failures`.
 */
export async function reconcileAll(deps: RolloutDeps): Promise<{ rollouts: number; swept: string[]; failures: string[] }> {
  const active = await deps.store.list({ statuses: [...ACTIVE_STATUSES] });
  for (const state of active) await advance(deps, state.id);
  const swept: string[] = [];
  const failures: string[] = [];
  for (const clusterId of new Set(active.map((s) => s.clusterId))) {
    try {
      swept.push(...(await (await deps.driverFor(clusterId)).cleanupProbePods(PROBE_POD_MAX_AGE_MS)));
    } catch (error) {
      failures.push(`${clusterId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { rollouts: active.length, swept, failures };
}
