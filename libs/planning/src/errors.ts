import { AppError } from '@bulkhead/contracts';

/** What planning refuses: a plan of a cluster with no inventory, an unknown plan, a diff against nothing comparable. */
export type PlanningErrorCode = 'plan.not_found' | 'plan.namespace_not_found' | 'plan.no_inventory' | 'plan.diff_against';

export class PlanningError extends AppError<PlanningErrorCode> {}
