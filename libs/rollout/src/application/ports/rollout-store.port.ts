import type { AuditEntry, RolloutState, RolloutStatus, TransitionResult } from '../../domain/types';

export interface RolloutStore {
  /** Stores a new rollout with its audit entries. Fails with AppError conflict `rollout.cluster_busy` when the cluster has an active rollout. */
  insert(state: RolloutState, audit: AuditEntry[]): Promise<void>;
  /**
   * Reads the rollout under lock (its row, and its cluster's advisory lock), lets `change` decide, and
   * when the state changed writes it and the audit entries in the same transaction. Null when the
   * rollout does not exist.
   */
  update(id: string, change: (state: RolloutState) => TransitionResult, extraAudit?: (state: RolloutState) => AuditEntry[]): Promise<TransitionResult | null>;
  /**
   * Runs `fn` holding the cluster's lock, so that no transition of any rollout of the cluster happens
   * meanwhile: a change to the cluster (apply, restore) is checked and made while nothing moves.
   */
  withClusterLock<T>(clusterId: string, fn: () => Promise<T>): Promise<T>;
  get(id: string): Promise<RolloutState | null>;
  list(filter: { clusterId?: string; statuses?: RolloutStatus[] }): Promise<RolloutState[]>;
}
