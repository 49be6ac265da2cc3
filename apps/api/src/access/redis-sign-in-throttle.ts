import { accountBlockSeconds, SIGN_IN_LIMITS, type SignInAttempt, type SignInThrottle } from '@bulkhead/access';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** A rejected consume() is an answer (over the limit), not a failure; a Redis error is. */
const overLimitIsAnAnswer = (rejection: unknown): RateLimiterRes => {
  if (rejection instanceof RateLimiterRes) return rejection;
  throw rejection;
};

/** How long one admitted attempt past the free failures holds the account's turn before its outcome sets the block. */
const TURN_SECONDS = 30;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * SignInThrottle on the app's Redis, under the queue prefix, so every API replica sees the same
 * counts. Every count is taken by an atomic consume before the password is checked:
 * - attempts per address, blocked for addressBlockSeconds once past the limit (a success gives its attempt back);
 * - attempts per account, which count as failures until one succeeds;
 * - past the free failures, the account's turn: one attempt at a time, and after a failure none until
 *   its block ends (accountBlockSeconds). A refused attempt gives back what it took.
 * Per account, the addresses it signed in from lately, which the account's turn does not hold.
 */
export class RedisSignInThrottle implements SignInThrottle {
  private readonly addressAttempts: RateLimiterRedis;
  private readonly accountFailures: RateLimiterRedis;
  private readonly accountTurns: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limits: typeof SIGN_IN_LIMITS = SIGN_IN_LIMITS,
  ) {
    this.addressAttempts = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:sign-in:address-failures`,
      points: limits.failuresPerAddress,
      duration: limits.addressWindowSeconds,
      blockDuration: limits.addressBlockSeconds,
    });
    this.accountFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:sign-in:account-failures`,
      points: Number.MAX_SAFE_INTEGER,
      duration: limits.accountWindowSeconds,
    });
    this.accountTurns = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:sign-in:account-block`,
      points: 1,
      duration: TURN_SECONDS,
    });
  }

  private knownAddressKey(attempt: SignInAttempt): string {
    return `${this.keyPrefix}:sign-in:known-address:${attempt.account}:${attempt.address}`;
  }

  async admit(attempt: SignInAttempt): Promise<number> {
    const fromAddress = await this.addressAttempts.consume(attempt.address).catch(overLimitIsAnAnswer);
    if (fromAddress.consumedPoints > this.limits.failuresPerAddress) return seconds(fromAddress.msBeforeNext);
    const failures = (await this.accountFailures.consume(attempt.account)).consumedPoints;
    if (failures <= this.limits.freeFailuresPerAccount || (await this.redis.exists(this.knownAddressKey(attempt)))) return 0;
    const turn = await this.accountTurns.consume(attempt.account).catch(overLimitIsAnAnswer);
    if (turn.consumedPoints <= 1) return 0;
    await Promise.all([this.addressAttempts.reward(attempt.address, 1), this.accountFailures.reward(attempt.account, 1)]);
    return seconds(turn.msBeforeNext);
  }

  async failed(attempt: SignInAttempt): Promise<void> {
    const failures = (await this.accountFailures.get(attempt.account))?.consumedPoints ?? 0;
    const blockSeconds = accountBlockSeconds(failures, this.limits);
    if (blockSeconds > 0) await this.accountTurns.block(attempt.account, blockSeconds);
  }

  async succeeded(attempt: SignInAttempt): Promise<void> {
    await Promise.all([
      this.addressAttempts.reward(attempt.address, 1),
      this.accountFailures.delete(attempt.account),
      this.accountTurns.delete(attempt.account),
      this.redis.set(this.knownAddressKey(attempt), '1', 'EX', this.limits.knownAddressSeconds),
    ]);
  }
}
