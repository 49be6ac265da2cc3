import type { NetworkPolicy } from '@bulkhead/netpol';
import type { RolloutCommand } from '../../domain/types';

/** Hands commands to workers (a queue): idempotent by command key, wake-ups as delayed work. */
export interface RolloutDispatcher {
  dispatch(rolloutId: string, commands: readonly RolloutCommand[]): Promise<void>;
}

/** The policies a plan gives one namespace (the whole set the namespace must end with). */
export interface PlanPolicies {
  policiesFor(planId: string, namespace: string): Promise<NetworkPolicy[]>;
}
