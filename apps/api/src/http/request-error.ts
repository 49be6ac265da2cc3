import { AppError } from '@bulkhead/contracts';

/** What the HTTP edge refuses itself: the caller, the request's shape and size, the server's capacity. */
export type RequestErrorCode =
  | 'auth.malformed_header'
  | 'auth.missing_credentials'
  | 'auth.csrf'
  | 'auth.route_without_role'
  | 'auth.role_required'
  | 'request.invalid_params'
  | 'request.invalid_query'
  | 'request.invalid_body'
  | 'request.invalid_json'
  | 'request.invalid_yaml'
  | 'request.document_over_limit'
  | 'request.too_large'
  | 'request.timeout'
  | 'request.memory_busy'
  | 'work.busy'
  | 'work.time_limit'
  | 'work.memory_limit'
  | 'flow_import.too_large';

/**
 * A refusal of the edge. Unlike a module's error, its fields are about the request itself, so they
 * already name the part that carries them: `params.clusterId`, `query.namespace`, `body.port`, `body`.
 */
export class RequestError extends AppError<RequestErrorCode> {}
