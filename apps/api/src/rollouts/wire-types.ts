import type * as wire from '@bulkhead/contracts';
import type * as domain from '@bulkhead/rollout';

/**
 * The API sends a rollout exactly as the domain holds it, and the dashboard reads it through the
 * contract's types: the two must be the same type, both ways, or this does not compile. (The
 * contract's schemas also check every answer at run time, in test/integration/api-contract.spec.ts.)
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

export type RolloutWireIsTheDomain = [
  Holds<Same<domain.RolloutState, wire.RolloutState>>,
  Holds<Same<domain.RolloutView, wire.RolloutView>>,
  Holds<Same<domain.RolloutSummary, wire.RolloutSummary>>,
  Holds<Same<domain.ApprovalEvidence, wire.ApprovalEvidence>>,
];
