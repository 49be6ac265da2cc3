/**
 * The one error model. Each module declares its codes as a string-literal union (`AccessErrorCode`,
 * `RolloutErrorCode`...) and throws its own subclass of AppError; the HTTP edge maps every code to a
 * status in one typed table. A problem names a field of the module's own input (`password`,
 * `namespaces[3]`, '' for the input as a whole); the edge says which part of the request carried it.
 */
export interface FieldProblem {
  /** Path of the offending field in the input, e.g. `probes[2].to`; '' for the input as a whole. */
  field: string;
  reason: string;
}

export interface ErrorDetails {
  /** The fields the refusal is about. */
  problems?: readonly FieldProblem[];
  /** Not now, but later: too many attempts, or a server at capacity. The HTTP edge sends it as Retry-After. */
  retryAfterSeconds?: number;
}

/** `password: must be at least 10 characters; namespaces[3]: has no tier`: problems as one sentence. */
export const problemsSentence = (problems: readonly FieldProblem[]): string =>
  problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)).join('; ');

/**
 * An error raised on purpose: a stable code (`cluster.name_taken`), a message for a person, and the
 * fields it is about. Built either from a message (with optional details) or from the problems alone,
 * in which case the message lists them (`listsProblems`) and is said again wherever the fields are
 * renamed (the HTTP edge prefixes them with `body.`).
 */
export abstract class AppError<Code extends string = string> extends Error {
  readonly problems: readonly FieldProblem[];
  readonly retryAfterSeconds?: number;
  /** The message is `problemsSentence(problems)`, nothing more. */
  readonly listsProblems: boolean;

  constructor(code: Code, problems: readonly FieldProblem[]);
  constructor(code: Code, message: string, details?: ErrorDetails);
  constructor(
    readonly code: Code,
    said: string | readonly FieldProblem[],
    details: ErrorDetails = {},
  ) {
    super(typeof said === 'string' ? said : problemsSentence(said));
    this.name = new.target.name;
    this.listsProblems = typeof said !== 'string';
    this.problems = typeof said === 'string' ? (details.problems ?? []) : said;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** `rollout 3f2a... does not exist`: the message of every `<thing>.not_found`. */
export const doesNotExist = (what: string, id: string): string => `${what} ${id} does not exist`;
