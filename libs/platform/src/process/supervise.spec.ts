import { restartDelayMs } from './supervise';

describe('the restart backoff of a supervised child', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [5, 16_000],
    [6, 30_000],
    [50, 30_000],
  ])('waits after exit %i in a row %i ms', (exitsInARow, delayMs) => {
    expect(restartDelayMs(exitsInARow)).toBe(delayMs);
  });
});
