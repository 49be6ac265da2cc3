import { AppError } from '@bulkhead/contracts';

/** A 503 for a server at capacity: the exception filter adds `Retry-After` with these seconds. */
export class RetryLaterError extends AppError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('unavailable', code, message);
  }
}
