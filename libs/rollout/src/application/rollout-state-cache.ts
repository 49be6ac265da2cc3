import { VersionedCache } from '@bulkhead/concurrency';
import type { AuditEntry, RolloutStall, RolloutState, RolloutStatus, TransitionResult } from '../domain/types';
import type { RolloutStore } from './ports/rollout-store.port';

/**
 * The rollout store as the worker uses it: a RolloutStore that remembers the newest state of the last
 * rollouts that passed through it (read, written, or handed over under a namespace lock), so that a job
 * can find its command and tell that its rollout is in this database without asking the database. This
 * is the worker's fast path: most jobs are commands that the same process just dispatched, and finding
 * them would otherwise cost a read each.
 *
 * What it remembers may be stale, and is only ever used where stale is safe: a command found in it that
 * changes a namespace is checked again against the state read under the namespace's lock before the
 * cluster is touched, a read-only command found in an old state costs at most a result the domain
 * ignores, and a rollout once seen here belongs to this install's database, which is all a job's check
 * of its install asks. Every change goes to the store underneath, which decides on the current state.
 */
export class RolloutStateCache implements RolloutStore {
  private readonly states: VersionedCache<RolloutState>;

  constructor(
    private readonly store: RolloutStore,
    capacity = 8,
  ) {
    this.states = new VersionedCache(capacity);
  }

  /** The newest state of the rollout this process has seen, without asking the database: possibly stale. */
  lastSeen(id: string): RolloutState | undefined {
    return this.states.latest(id);
  }

  async insert(state: RolloutState, audit: AuditEntry[]): Promise<void> {
    await this.store.insert(state, audit);
    this.remember(state);
  }

  async update(
    id: string,
    change: (state: RolloutState) => TransitionResult,
    extraAudit?: (state: RolloutState) => AuditEntry[],
  ): Promise<TransitionResult | null> {
    const result = await this.store.update(id, change, extraAudit);
    if (result?.ok) this.remember(result.state);
    return result;
  }

  withNamespaceLock<T>(
    rollout: Pick<RolloutState, 'id' | 'clusterId'>,
    namespace: string,
    fn: (current: RolloutState | null) => Promise<T>,
  ): Promise<T> {
    return this.store.withNamespaceLock(rollout, namespace, (current) => {
      if (current) this.remember(current);
      return fn(current);
    });
  }

  async get(id: string): Promise<RolloutState | null> {
    const state = await this.store.get(id);
    if (state) this.remember(state);
    return state;
  }

  async list(filter: { clusterId?: string; statuses?: RolloutStatus[]; updatedBefore?: Date }): Promise<RolloutState[]> {
    const states = await this.store.list(filter);
    for (const state of states) this.remember(state);
    return states;
  }

  recordStall(state: RolloutState, stall: RolloutStall): Promise<boolean> {
    return this.store.recordStall(state, stall);
  }

  private remember(state: RolloutState): void {
    this.states.set(state.id, state);
  }
}
