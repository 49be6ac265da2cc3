import type { NetworkPolicy } from '@bulkhead/netpol';
import type { RolloutCommand } from '../../domain/types';

/** Hands commands to workers (a queue): idempotent by command key, wake-ups as delayed work. */
export interface RolloutDispatcher {
  /** `runHere`: keys this process carries out itself; they are not queued, and not queued again meanwhile. */
  dispatch(rolloutId: string, commands: readonly RolloutCommand[], runHere?: ReadonlySet<string>): Promise<void>;
}

/** The policies a plan gives one namespace (the whole set the namespace must end with). */
export interface PlanPolicies {
  policiesFor(planId: string, namespace: string): Promise<NetworkPolicy[]>;
}
