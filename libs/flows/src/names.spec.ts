import { parseTimeMs } from './names';

describe('parseTimeMs', () => {
  test.each([
    ['2021-06-16T16:52:13.136834446Z', Date.UTC(2021, 5, 16, 16, 52, 13, 136)],
    ['2021-06-16T16:52:13.9Z', Date.UTC(2021, 5, 16, 16, 52, 13, 900)],
    ['2021-06-16T16:52:13Z', Date.UTC(2021, 5, 16, 16, 52, 13)],
    ['2021-06-16T16:52:14.000000001Z', Date.UTC(2021, 5, 16, 16, 52, 14)],
    ['2021-06-16T18:52:13.5+02:00', Date.UTC(2021, 5, 16, 16, 52, 13, 500)],
    ['not a time at all, really', undefined],
    [12, undefined],
  ])('%s', (text, ms) => {
    // twice: the second call hits the per-second cache
    expect(parseTimeMs(text)).toBe(ms);
    expect(parseTimeMs(text)).toBe(ms);
  });
});
