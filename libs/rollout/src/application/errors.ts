import { AppError } from '@bulkhead/contracts';
import type { RolloutRefusal, RolloutRefusalCode } from '../domain/types';

/**
 * What rollouts refuse: each refusal of the machine (`rollout.illegal_state`...), a second active rollout on a
 * cluster, a newer plan version that covers other namespaces than the rollout it would continue, and an action on
 * drift where no rollout verified anything or about a namespace none did.
 */
export type RolloutErrorCode =
  `rollout.${RolloutRefusalCode}` | 'rollout.cluster_busy' | 'rollout.coverage_changed' | 'drift.no_baseline' | 'drift.unknown_namespace';

export class RolloutError extends AppError<RolloutErrorCode> {
  /** The machine's refusal, thrown: when it names fields, the message lists them. */
  static refusing(refusal: RolloutRefusal): RolloutError {
    const code = `rollout.${refusal.code}` as const;
    return refusal.problems?.length ? new RolloutError(code, refusal.problems) : new RolloutError(code, refusal.message);
  }
}

export const clusterBusy = (): RolloutError =>
  new RolloutError('rollout.cluster_busy', 'another rollout is active on this cluster: finish, abort or roll it back first');
