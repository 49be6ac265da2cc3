import { accountBlockSeconds, SIGN_IN_LIMITS } from './sign-in-throttle';

describe('accountBlockSeconds', () => {
  it.each([
    [0, 0],
    [SIGN_IN_LIMITS.freeFailuresPerAccount, 0],
    [SIGN_IN_LIMITS.freeFailuresPerAccount + 1, 1],
    [SIGN_IN_LIMITS.freeFailuresPerAccount + 2, 2],
    [SIGN_IN_LIMITS.freeFailuresPerAccount + 5, 16],
    [SIGN_IN_LIMITS.freeFailuresPerAccount + 11, 900],
    [260, 900],
    [1_000_000, 900],
  ])('after %i failures blocks for %i s', (failures, seconds) => {
    expect(accountBlockSeconds(failures)).toBe(seconds);
  });

  it('never decreases as failures grow, and never passes the cap', () => {
    let previous = 0;
    for (let failures = 0; failures < 100; failures++) {
      const seconds = accountBlockSeconds(failures);
      expect(seconds).toBeGreaterThanOrEqual(previous);
      expect(seconds).toBeLessThanOrEqual(SIGN_IN_LIMITS.maxBlockSeconds);
      previous = seconds;
    }
  });
});
