import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { RolloutCommand } from '../../domain/types';

/** Hands commands to workers (a queue): idempotent by command key, wake-ups as delayed work. */
export interface RolloutDispatcher {
  /** `runHere`: keys this process carries out itself; they are not queued, and not queued again meanwhile. */
  dispatch(rolloutId: string, commands: readonly RolloutCommand[], runHere?: ReadonlySet<string>): Promise<void>;
}

/** The policies a plan gives one namespace (the whole set the namespace must end with), and its cluster layer's. */
export interface PlanPolicies {
  policiesFor(planId: string, namespace: string): Promise<NetworkPolicy[]>;
  /** The cluster-scoped policies of the plan's cluster layer (the guardrails), in the plan's order. */
  clusterPoliciesFor(planId: string): Promise<SnapshotClusterPolicy[]>;
}
