import { accountBlockSeconds, SIGN_IN_LIMITS, type SignInAttempt, type SignInThrottle } from '@bulkhead/access';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** A rejected consume() is an answer (over the limit), not a failure; a Redis error is. */
const overLimitIsAnAnswer = (rejection: unknown): RateLimiterRes => {
  if (rejection instanceof RateLimiterRes) return rejection;
  throw rejection;
};

/**
 * SignInThrottle on the app's Redis, under the queue prefix, so every API replica sees the same
 * counts. Three counters: failures per address (blocked at the limit), failures per account (the
 * block grows with them, see accountBlockSeconds), and the account's current block; plus, per
 * account, the addresses it signed in from lately, which its block does not hold. A block is a
 * key whose points are past its limit (what RateLimiterRedis.block writes).
 */
export class RedisSignInThrottle implements SignInThrottle {
  private readonly addressFailures: RateLimiterRedis;
  private readonly accountFailures: RateLimiterRedis;
  private readonly accountBlocks: RateLimiterRedis;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limits: typeof SIGN_IN_LIMITS = SIGN_IN_LIMITS,
  ) {
    this.addressFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:sign-in:address-failures`,
      points: limits.failuresPerAddress,
      duration: limits.addressWindowSeconds,
    });
    this.accountFailures = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:sign-in:account-failures`,
      points: Number.MAX_SAFE_INTEGER,
      duration: limits.accountWindowSeconds,
    });
    this.accountBlocks = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:sign-in:account-block`, points: 1, duration: 1 });
  }

  private knownAddressKey(attempt: SignInAttempt): string {
    return `${this.keyPrefix}:sign-in:known-address:${attempt.account}:${attempt.address}`;
  }

  async retryAfterSeconds(attempt: SignInAttempt): Promise<number> {
    const [address, account, known] = await Promise.all([
      this.addressFailures.get(attempt.address),
      this.accountBlocks.get(attempt.account),
      this.redis.exists(this.knownAddressKey(attempt)),
    ]);
    const waitsMs = [0];
    if (address && address.consumedPoints > this.limits.failuresPerAddress) waitsMs.push(address.msBeforeNext);
    if (account && account.consumedPoints > 1 && !known) waitsMs.push(account.msBeforeNext);
    return Math.ceil(Math.max(...waitsMs) / 1000);
  }

  async failed(attempt: SignInAttempt): Promise<void> {
    const fromAddress = await this.addressFailures.consume(attempt.address).catch(overLimitIsAnAnswer);
    if (fromAddress.consumedPoints >= this.limits.failuresPerAddress) await this.addressFailures.block(attempt.address, this.limits.addressBlockSeconds);
    const failures = (await this.accountFailures.consume(attempt.account)).consumedPoints;
    const blockSeconds = accountBlockSeconds(failures, this.limits);
    if (blockSeconds > 0) await this.accountBlocks.block(attempt.account, blockSeconds);
  }

  async succeeded(attempt: SignInAttempt): Promise<void> {
    await Promise.all([
      this.accountFailures.delete(attempt.account),
      this.accountBlocks.delete(attempt.account),
      this.redis.set(this.knownAddressKey(attempt), '1', 'EX', this.limits.knownAddressSeconds),
    ]);
  }
}
