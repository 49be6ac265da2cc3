/** One sign-in attempt as the throttle sees it: the account tried (lower-cased) and where from. */
export interface SignInAttempt {
  account: string;
  address: string;
}

/**
 * Counts failed sign-ins per account and per client address, shared by every API replica. The
 * figures are SIGN_IN_LIMITS; accountBlockSeconds says how an account's block grows. An attempt is
 * counted as a failure before its password is checked, so that attempts sent at once are counted
 * at once: a hundred parallel guesses get no more through than a hundred in a row.
 */
export interface SignInThrottle {
  /**
   * Takes the attempt out of what the account and the address may still try, atomically: 0 when it
   * may go on (it then counts as a failure until `succeeded`), or the seconds until an attempt may be made.
   */
  admit(attempt: SignInAttempt): Promise<number>;
  /** An admitted attempt failed: the account's block grows with its failures. */
  failed(attempt: SignInAttempt): Promise<void>;
  /** An admitted attempt succeeded: forgets the account's failures, gives the address its attempt back, and remembers the address as one the account signs in from. */
  succeeded(attempt: SignInAttempt): Promise<void>;
}

export const SIGN_IN_LIMITS = {
  /** Failures of one account that cost nothing; the next ones block the account. */
  freeFailuresPerAccount: 4,
  /** The first block, doubled with every further failure, up to maxBlockSeconds. */
  firstBlockSeconds: 1,
  maxBlockSeconds: 15 * 60,
  /** An account's failures are forgotten this long after the first one (or at a successful sign-in). */
  accountWindowSeconds: 24 * 3600,
  /** Failures from one address, whatever the account, before the address is blocked. */
  failuresPerAddress: 30,
  addressWindowSeconds: 15 * 60,
  addressBlockSeconds: 15 * 60,
  /**
   * An address an account signed in from in this time is not held by that account's block (only by
   * the address's own limit), so that someone guessing elsewhere cannot lock the owner out.
   */
  knownAddressSeconds: 30 * 24 * 3600,
} as const;

/** How long an account is blocked after its nth failure in the window: 0, then 1 s, 2 s, 4 s... up to 15 minutes. */
export function accountBlockSeconds(failures: number, limits: typeof SIGN_IN_LIMITS = SIGN_IN_LIMITS): number {
  const beyond = failures - limits.freeFailuresPerAccount;
  if (beyond <= 0) return 0;
  return Math.min(limits.maxBlockSeconds, limits.firstBlockSeconds * 2 ** Math.min(beyond - 1, 30));
}
