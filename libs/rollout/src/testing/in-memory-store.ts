/**
 * The rollout store port in memory, for tests of the real loop. It keeps the port's promises: a change
 * is decided on the current state and written only if nothing else changed the rollout meanwhile (else
 * decided again), one active rollout per cluster (as the partial unique index does), and changes to one
 * namespace never overlap. `interleave` lets a test choose the order in which concurrent calls go on
 * (fast-check's scheduler), so that two workers' calls can meet at every await.
 */
import { clusterBusy } from '../application/errors';
import { ACTIVE_STATUSES } from '../domain/types';
import type { AuditEntry, RolloutStall, RolloutState, RolloutStatus, TransitionResult } from '../domain/types';
import type { RolloutStore } from '../application/ports/rollout-store.port';

export type Interleave = <T>(task: Promise<T>) => Promise<T>;

const inOrder: Interleave = (task) => task;

/** What the database holds: shared by every process's store. */
export class InMemoryRolloutRows {
  readonly rollouts = new Map<string, RolloutState>();
  /** every version of every rollout, in the order written */
  readonly history: RolloutState[] = [];
  readonly audit: AuditEntry[] = [];
  readonly stalls = new Set<string>();
  /** the tail of each namespace's lock queue, by `cluster/namespace` */
  readonly locks = new Map<string, Promise<unknown>>();
}

export class InMemoryRolloutStore implements RolloutStore {
  constructor(
    readonly rows = new InMemoryRolloutRows(),
    private readonly interleave: Interleave = inOrder,
  ) {}

  /** Another process's store over the same rows (a worker wraps it in its own RolloutStateCache). */
  forProcess(interleave: Interleave = this.interleave): InMemoryRolloutStore {
    return new InMemoryRolloutStore(this.rows, interleave);
  }

  async insert(state: RolloutState, audit: AuditEntry[]): Promise<void> {
    await this.interleave(Promise.resolve());
    if (this.rows.rollouts.has(state.id)) throw new Error(`rollout ${state.id} exists`);
    this.refuseSecondActive(state);
    this.write(state, audit);
  }

  async update(
    id: string,
    change: (state: RolloutState) => TransitionResult,
    extraAudit?: (state: RolloutState) => AuditEntry[],
  ): Promise<TransitionResult | null> {
    for (;;) {
      const before = this.rows.rollouts.get(id);
      if (!before) return null;
      const result = change(before);
      await this.interleave(Promise.resolve());
      if (this.rows.rollouts.get(id) !== before) continue; // another change got there first: decide again
      if (result.ok && result.changed) {
        this.refuseSecondActive(result.state);
        this.write(result.state, [...result.audit, ...(extraAudit?.(result.state) ?? [])]);
      }
      return result;
    }
  }

  async withNamespaceLock<T>(
    rollout: Pick<RolloutState, 'id' | 'clusterId'>,
    namespace: string,
    fn: (current: RolloutState | null) => Promise<T>,
  ): Promise<T> {
    const lock = `${rollout.clusterId}/${namespace}`;
    const previous = this.rows.locks.get(lock) ?? Promise.resolve();
    const held = previous.then(async () => fn(await this.get(rollout.id)));
    this.rows.locks.set(
      lock,
      held.catch(() => undefined),
    );
    return held;
  }

  async get(id: string): Promise<RolloutState | null> {
    await this.interleave(Promise.resolve());
    return this.rows.rollouts.get(id) ?? null;
  }

  async list(filter: { clusterId?: string; statuses?: RolloutStatus[]; updatedBefore?: Date }): Promise<RolloutState[]> {
    await this.interleave(Promise.resolve());
    return [...this.rows.rollouts.values()].filter(
      (state) =>
        (filter.clusterId === undefined || state.clusterId === filter.clusterId) &&
        (filter.statuses === undefined || filter.statuses.includes(state.status)) &&
        (filter.updatedBefore === undefined || Date.parse(state.updatedAt) < filter.updatedBefore.getTime()),
    );
  }

  async recordStall(state: RolloutState, stall: RolloutStall): Promise<boolean> {
    const key = `${state.id}@${state.version}`;
    if (this.rows.stalls.has(key)) return false;
    this.rows.stalls.add(key);
    this.rows.audit.push({
      at: stall.since,
      rolloutId: state.id,
      version: state.version,
      action: 'rollout.stalled',
      detail: { reason: stall.reason },
    });
    return true;
  }

  private write(state: RolloutState, audit: readonly AuditEntry[]): void {
    this.rows.rollouts.set(state.id, state);
    this.rows.history.push(state);
    this.rows.audit.push(...audit);
  }

  /** The partial unique index: one rollout per cluster in an active status. */
  private refuseSecondActive(state: RolloutState): void {
    if (!ACTIVE_STATUSES.includes(state.status)) return;
    for (const other of this.rows.rollouts.values()) {
      if (other.id !== state.id && other.clusterId === state.clusterId && ACTIVE_STATUSES.includes(other.status)) {
        throw clusterBusy();
      }
    }
  }
}
