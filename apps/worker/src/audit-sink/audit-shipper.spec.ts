import { retryDelayMs } from './audit-shipper';

describe('retryDelayMs', () => {
  it('doubles from half a second after each failure in a row, up to a minute', () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelayMs)).toEqual([500, 1000, 2000, 4000, 60_000, 60_000]);
  });
});
