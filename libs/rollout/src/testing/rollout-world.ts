/**
 * One rollout run by the real loop (`recordEvent`, `executeCommand`, `advance`, `reconcileAll`) over
 * in-memory fakes of its ports, with time under the test's control: what the domain specs drive.
 */
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { ClusterDriver } from '../application/ports/cluster-driver.port';
import { RolloutStateCache } from '../application/rollout-state-cache';
import { RolloutError } from '../application/errors';
import { advance, executeCommand, recordEvent, type ExecuteOutcome, type RolloutDeps } from '../application/rollouts';
import { outstandingCommands } from '../domain/commands';
import { transition } from '../domain/machine';
import {
  CLUSTER_SCOPE,
  type AuditEntry,
  type CreateRolloutInput,
  type ObservedSpan,
  type PolicyDocument,
  type RolloutCommand,
  type RolloutEvent,
  type RolloutState,
  type Step,
  type Tier,
} from '../domain/types';
import { InMemoryCluster, type ProbeOracle } from './in-memory-cluster';
import { InMemoryQueue, type QueuedJob } from './in-memory-queue';
import { InMemoryRolloutStore, type Interleave } from './in-memory-store';

/** What recording an event came to: the state it left, or the refusal the API would answer with. */
export type Sent = { ok: true; state: RolloutState; changed: boolean } | { ok: false; error: RolloutError };

export interface RunOptions {
  /** follow wake-ups (settle times, retries, windows) by moving the clock to them; default true */
  followWakeUps?: boolean;
  /** stop as soon as the state satisfies this */
  until?: (state: RolloutState) => boolean;
  /** stop after this many rounds; without it, not settling in 500 rounds is an error */
  maxRounds?: number;
}

export interface WorldOptions {
  /** the policies each namespace holds before the rollout */
  original: Record<string, PolicyDocument[]>;
  /** the policies the plan gives each namespace */
  plan: Record<string, PolicyDocument[]>;
  oracle?: ProbeOracle;
  now: Date;
  /** the order in which concurrent calls to the store and the cluster go on (default: as they come) */
  interleave?: Interleave;
}

export class RolloutWorld {
  now: Date;
  readonly store: InMemoryRolloutStore;
  readonly queue = new InMemoryQueue();
  readonly cluster: InMemoryCluster;
  /** each namespace's tier as the inventory has it now (a test may change one) */
  readonly tiers = new Map<string, Tier>();
  /** The inventory's policies per namespace, as the loop last recorded them from the cluster. */
  readonly inventory = new Map<string, NetworkPolicy[]>();
  /** per namespace, since when it has been observed without a gap (up to now), as the coverage route would answer (absent: never) */
  readonly observedSince = new Map<string, string>();
  readonly deps: RolloutDeps;

  private constructor(
    readonly id: string,
    readonly plan: Record<string, PolicyDocument[]>,
    options: WorldOptions,
  ) {
    this.now = options.now;
    this.store = new InMemoryRolloutStore(undefined, options.interleave);
    this.cluster = new InMemoryCluster(options.original, options.oracle, options.interleave);
    // The inventory, the plans and the driver lookup are reads of the database in production: a worker
    // can be held up at any of them, so they are points where concurrent work may go first.
    const interleave = options.interleave ?? ((task) => task);
    this.deps = {
      store: new RolloutStateCache(this.store),
      dispatcher: this.queue,
      clock: () => this.now,
      plans: {
        policiesFor: (_planId, namespace) => interleave(Promise.resolve((this.plan[namespace] ?? []) as unknown as NetworkPolicy[])),
        // The plan's cluster layer stands under CLUSTER_SCOPE, where the cluster stage's step names its namespace.
        clusterPoliciesFor: () => interleave(Promise.resolve((this.plan[CLUSTER_SCOPE] ?? []) as unknown as SnapshotClusterPolicy[])),
      },
      namespaceTier: (_clusterId, namespace) => interleave(Promise.resolve(this.tiers.get(namespace) ?? null)),
      recordLivePolicies: (_clusterId, namespace, policies) =>
        interleave(Promise.resolve(void this.inventory.set(namespace, [...policies]))),
      recordLiveClusterPolicies: (_clusterId, policies) =>
        interleave(Promise.resolve(void this.inventory.set(CLUSTER_SCOPE, [...policies] as unknown as NetworkPolicy[]))),
      driverFor: () => interleave(Promise.resolve<ClusterDriver>(this.cluster)),
      observedSpans: (_clusterId, namespaces, now) =>
        interleave(Promise.resolve(Object.fromEntries(namespaces.map((namespace) => [namespace, this.observedSpan(namespace, now)])))),
    };
  }

  /** A namespace's span observed without a gap: from `observedSince` up to `now` (a live source that is connected). */
  private observedSpan(namespace: string, now: Date): ObservedSpan | null {
    const since = this.observedSince.get(namespace);
    return since ? { since, until: now.toISOString() } : null;
  }

  /** A world holding one new rollout, made from `input` at `options.now`. */
  static async create(input: CreateRolloutInput, options: WorldOptions): Promise<RolloutWorld> {
    const world = new RolloutWorld(input.id, options.plan, options);
    for (const namespace of input.namespaces) world.tiers.set(namespace.name, namespace.tier);
    const created = transition(undefined, { type: 'create', input }, options.now);
    if (!created.ok) throw new Error(created.error.message);
    await world.store.insert(created.state, created.audit);
    return world;
  }

  get state(): RolloutState {
    return this.store.rows.rollouts.get(this.id)!;
  }

  /** Every command the rollout asks for now. */
  get commands(): RolloutCommand[] {
    return outstandingCommands(this.state, this.now);
  }

  get audit(): AuditEntry[] {
    return this.store.rows.audit.filter((entry) => entry.rolloutId === this.id);
  }

  /** Every version of the rollout written, the first included. */
  get history(): RolloutState[] {
    return this.store.rows.history.filter((state) => state.id === this.id);
  }

  step(namespace: string): Step {
    const step = this.state.steps.find((candidate) => candidate.namespace === namespace);
    if (!step) throw new Error(`no step for ${namespace}`);
    return step;
  }

  advanceTo(at: Date | string): void {
    const time = typeof at === 'string' ? new Date(at) : at;
    if (time.getTime() > this.now.getTime()) this.now = time;
  }

  /** Records an event as the API does; a refusal throws unless `allowError`. */
  async send(event: RolloutEvent, allowError = false): Promise<Sent> {
    const version = this.state.version;
    try {
      const state = await recordEvent(this.deps, this.id, event);
      return { ok: true, state, changed: state.version !== version };
    } catch (error) {
      if (!(error instanceof RolloutError)) throw error;
      if (!allowError) throw new Error(`${event.type}: ${error.code}: ${error.message}`);
      return { ok: false, error };
    }
  }

  /** Runs one command job by its key, as a worker does. */
  execute(key: string): Promise<ExecuteOutcome> {
    return executeCommand(this.deps, this.id, key);
  }

  /** Takes a queued job and runs it, as a worker does. */
  async runJob(job: QueuedJob): Promise<void> {
    this.queue.take(job);
    if (job.kind === 'command') await executeCommand(this.deps, job.rolloutId, job.key);
    else await advance(this.deps, job.rolloutId);
  }

  /**
   * Runs the queued jobs, one after the other, until none is left to run now; then follows the earliest
   * wake-up, if `followWakeUps`. Returns when idle, when `until` holds, or after `maxRounds`.
   */
  async run(options: RunOptions = {}): Promise<void> {
    const { followWakeUps = true, until } = options;
    const rounds = options.maxRounds ?? 500;
    for (let round = 0; round < rounds; round++) {
      if (until?.(this.state)) return;
      const ready = this.queue.ready(this.now);
      if (ready.length > 0) {
        for (const job of ready) {
          if (until?.(this.state)) return;
          await this.runJob(job);
        }
        continue;
      }
      const wakeUp = this.queue.nextWakeUp(this.now);
      if (!followWakeUps || wakeUp === undefined) return;
      this.advanceTo(new Date(wakeUp));
    }
    if (options.maxRounds === undefined) throw new Error('the loop did not settle');
  }
}
