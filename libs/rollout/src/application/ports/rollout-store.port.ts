import type { AuditEntry, RolloutStall, RolloutState, RolloutStatus, TransitionResult } from '../../domain/types';

export interface RolloutStore {
  /** Stores a new rollout with its audit entries. Fails with clusterBusy() (`rollout.cluster_busy`) when the cluster has an active rollout. */
  insert(state: RolloutState, audit: AuditEntry[]): Promise<void>;
  /**
   * Lets `change` decide on the rollout's state and, when it changed, writes the new state and the
   * audit entries together, on condition that nothing else changed the rollout meanwhile; otherwise
   * `change` decides again on the newer state (so it must be pure). Null when the rollout does not exist.
   */
  update(
    id: string,
    change: (state: RolloutState) => TransitionResult,
    extraAudit?: (state: RolloutState) => AuditEntry[],
  ): Promise<TransitionResult | null>;
  /**
   * Runs `fn` holding the lock of one of the rollout's namespaces, with the rollout's state as it is
   * once the lock is held (null if the rollout is gone), so that changes to one namespace (apply,
   * restore) never overlap: a change is checked against that state and made while no other change to
   * the namespace can start, so a late apply never lands after the restore that replaced it.
   */
  withNamespaceLock<T>(
    rollout: Pick<RolloutState, 'id' | 'clusterId'>,
    namespace: string,
    fn: (current: RolloutState | null) => Promise<T>,
  ): Promise<T>;
  get(id: string): Promise<RolloutState | null>;
  /** `updatedBefore`: only rollouts whose last change (`updatedAt`) is older than this. */
  list(filter: { clusterId?: string; statuses?: RolloutStatus[]; updatedBefore?: Date }): Promise<RolloutState[]>;
  /**
   * Writes a `rollout.stalled` audit entry for the rollout as it is (its version), unless one was written
   * for that version already (by this process or another): true when this call wrote it.
   */
  recordStall(state: RolloutState, stall: RolloutStall): Promise<boolean>;
}
