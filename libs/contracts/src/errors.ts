/**
 * Errors the application raises on purpose. Each module names its own codes; the HTTP edge maps a
 * kind to a status (see httpStatusOf) so that use cases never think in HTTP.
 */
export type ErrorKind =
  'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'too_large' | 'timeout' | 'unavailable' | 'rate_limited';

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `probes[2].to` or `body.tier`. */
  field: string;
  reason: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Stable machine-readable code, e.g. `cluster.name_taken`. */
    readonly code: string,
    message: string,
    readonly problems: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static invalid(code: string, problems: FieldProblem[]): AppError {
    const message = problems.map((p) => `${p.field}: ${p.reason}`).join('; ');
    return new AppError('invalid', code, message, problems);
  }

  static notFound(what: string, id: string): AppError {
    return new AppError('not_found', `${what}.not_found`, `${what} ${id} does not exist`);
  }
}

/**
 * Not now, but later: too many attempts (`rate_limited`, 429) or a server at capacity (`unavailable`,
 * 503). The HTTP edge sends `retryAfterSeconds` as Retry-After.
 */
export class RetryLaterError extends AppError {
  constructor(
    kind: 'rate_limited' | 'unavailable',
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(kind, code, message);
  }
}

const statusByKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  timeout: 408,
  unavailable: 503,
  rate_limited: 429,
};

export const httpStatusOf = (error: AppError): number => statusByKind[error.kind];
