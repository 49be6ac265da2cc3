import type { AuditEntry, RolloutState, RolloutStatus, TransitionResult } from '../../domain/types';

export interface RolloutStore {
  /** Stores a new rollout with its audit entries. Fails with AppError conflict `rollout.cluster_busy` when the cluster has an active rollout. */
  insert(state: RolloutState, audit: AuditEntry[]): Promise<void>;
  /**
   * Lets `change` decide on the rollout's state and, when it changed, writes the new state and the
   * audit entries together, on condition that nothing else changed the rollout meanwhile; otherwise
   * `change` decides again on the newer state (so it must be pure). Null when the rollout does not exist.
   */
  update(id: string, change: (state: RolloutState) => TransitionResult, extraAudit?: (state: RolloutState) => AuditEntry[]): Promise<TransitionResult | null>;
  /**
   * Runs `fn` holding the namespace's lock, so that changes to one namespace (apply, restore) never
   * overlap: a change is checked against fresh state and made while no other change to it can start,
   * so a late apply never lands after the restore that replaced it.
   */
  withNamespaceLock<T>(clusterId: string, namespace: string, fn: () => Promise<T>): Promise<T>;
  get(id: string): Promise<RolloutState | null>;
  list(filter: { clusterId?: string; statuses?: RolloutStatus[] }): Promise<RolloutState[]>;
}
