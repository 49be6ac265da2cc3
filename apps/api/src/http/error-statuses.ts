import type { AccessErrorCode } from '@bulkhead/access';
import type { InventoryErrorCode } from '@bulkhead/inventory';
import type { NotificationErrorCode } from '@bulkhead/notifications';
import type { PlanningErrorCode } from '@bulkhead/planning';
import type { RolloutErrorCode } from '@bulkhead/rollout';
import type { SimulateErrorCode } from '../simulate/simulate-error';
import type { RequestErrorCode } from './request-error';

/** Every code any module raises. A module's new union joins here, and then the table below will not compile until it has its rows. */
export type ErrorCode =
  | AccessErrorCode
  | InventoryErrorCode
  | NotificationErrorCode
  | PlanningErrorCode
  | RolloutErrorCode
  | SimulateErrorCode
  | RequestErrorCode;

/**
 * The HTTP status of each code: the one place where the modules' refusals meet HTTP. A code missing
 * here, or one no module declares, fails to compile.
 */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  // access
  'auth.bad_credentials': 401,
  'auth.throttled': 429,
  'auth.session_expired': 401,
  'auth.invalid_token': 401,
  'auth.token_expired': 401,
  'user.weak_password': 400,
  'user.wrong_password': 403,
  'user.username_taken': 409,
  'user.last_admin': 409,
  'user.not_found': 404,
  'token.expiry_in_past': 400,
  'token.not_found': 404,
  'bootstrap.no_admin': 409,
  // inventory
  'cluster.not_found': 404,
  'cluster.name_taken': 409,
  'cluster.invalid_kubeconfig': 400,
  'cluster.no_kubeconfig': 400,
  'cluster.invalid_delivery': 400,
  'cluster.credentials_need_admin': 403,
  'cluster.rollout_active': 409,
  'snapshot.control_characters': 400,
  'snapshot.invalid_policy': 400,
  'snapshot.unreadable': 400,
  'namespace.not_found': 404,
  'inventory.tier_below_floor': 403,
  'edge.not_found': 404,
  'edge.invalid_endpoint': 400,
  'edge.unknown_endpoint': 400,
  'flow_import.not_found': 404,
  'flow_import.empty': 400,
  // planning
  'plan.not_found': 404,
  'flow_source.not_found': 404,
  'flow_source.name_taken': 409,
  'flow_source.address_refused': 400,
  'flow_source.not_for_kind': 400,
  'webhook.invalid_url': 400,
  'webhook.not_found': 404,
  'plan.namespace_not_found': 404,
  'plan.no_inventory': 409,
  'plan.diff_against': 400,
  // rollouts
  'rollout.invalid_input': 400,
  'rollout.not_found': 404,
  'rollout.already_exists': 409,
  'rollout.illegal_state': 409,
  'rollout.forbidden': 403,
  'rollout.unknown_step': 400,
  'rollout.unknown_probe': 400,
  'rollout.cluster_busy': 409,
  'rollout.coverage_changed': 409,
  'drift.no_baseline': 409,
  'drift.unknown_namespace': 400,
  // simulate
  'simulate.invalid': 400,
  // the edge itself
  'auth.malformed_header': 401,
  'auth.missing_credentials': 401,
  'auth.csrf': 403,
  'auth.route_without_role': 403,
  'auth.role_required': 403,
  'request.invalid_params': 400,
  'request.invalid_query': 400,
  'request.invalid_body': 400,
  'request.invalid_json': 400,
  'request.invalid_yaml': 400,
  'request.document_over_limit': 400,
  'request.too_large': 413,
  'request.timeout': 408,
  'request.memory_busy': 503,
  'work.busy': 503,
  'work.time_limit': 413,
  'work.memory_limit': 413,
  'flow_import.too_large': 413,
};

/** The status of a code, or undefined for a code no module declared (a bug: the edge answers 500). */
export const httpStatusOf = (code: string): number | undefined =>
  Object.hasOwn(HTTP_STATUS_BY_CODE, code) ? HTTP_STATUS_BY_CODE[code as ErrorCode] : undefined;
