import { AppError } from '@bulkhead/contracts';

/** What access refuses: sign-ins, credentials, users, tokens and the first start's admin. */
export type AccessErrorCode =
  | 'auth.bad_credentials'
  | 'auth.throttled'
  | 'auth.session_expired'
  | 'auth.invalid_token'
  | 'auth.token_expired'
  | 'user.weak_password'
  | 'user.wrong_password'
  | 'user.username_taken'
  | 'user.last_admin'
  | 'user.not_found'
  | 'token.expiry_in_past'
  | 'token.not_found'
  | 'bootstrap.no_admin';

export class AccessError extends AppError<AccessErrorCode> {}
