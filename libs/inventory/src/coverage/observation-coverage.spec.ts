import { latestUnbrokenSpan, observedDays, observedSpans, periodicityOf, workloadWarning } from './observation-coverage';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const at = (text: string) => new Date(text);
const day = (n: number, hour = 0) => Date.parse('2026-12-01T00:00:00Z') + n * DAY_MS + hour * HOUR_MS;
const iso = (spans: Array<{ from: Date; to: Date }>) => spans.map((s) => `${s.from.toISOString()}..${s.to.toISOString()}`);

describe('observed spans', () => {
  it('takes a source gap out of its span', () => {
    const spans = observedSpans([
      { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-08T00:00:00Z'), gaps: [{ from: at('2026-12-03T00:00:00Z'), to: at('2026-12-03T06:00:00Z') }] },
    ]);
    expect(iso(spans)).toEqual(['2026-12-01T00:00:00.000Z..2026-12-03T00:00:00.000Z', '2026-12-03T06:00:00.000Z..2026-12-08T00:00:00.000Z']);
    expect(observedDays(latestUnbrokenSpan(spans))).toBe(4.75);
  });

  it('lets an import or another source cover a gap of one source', () => {
    const spans = observedSpans([
      { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-08T00:00:00Z'), gaps: [{ from: at('2026-12-03T00:00:00Z'), to: at('2026-12-03T06:00:00Z') }] },
      { from: at('2026-12-02T12:00:00Z'), to: at('2026-12-03T12:00:00Z'), gaps: [] },
    ]);
    expect(iso(spans)).toEqual(['2026-12-01T00:00:00.000Z..2026-12-08T00:00:00.000Z']);
  });

  it('keeps spans that do not touch apart, and answers the latest one', () => {
    const spans = observedSpans([
      { from: at('2026-12-05T00:00:00Z'), to: at('2026-12-06T00:00:00Z'), gaps: [] },
      { from: at('2026-11-20T00:00:00Z'), to: at('2026-11-27T00:00:00Z'), gaps: [] },
    ]);
    expect(iso(spans)).toHaveLength(2);
    expect(observedDays(latestUnbrokenSpan(spans))).toBe(1);
    expect(latestUnbrokenSpan([])).toBeNull();
  });

  it('drops a span a gap covers entirely', () => {
    const gap = { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-02T00:00:00Z') };
    expect(observedSpans([{ from: at('2026-12-01T01:00:00Z'), to: at('2026-12-01T02:00:00Z'), gaps: [gap] }])).toEqual([]);
  });
});

describe('periodic edges, from the hours they were active in', () => {
  it.each([
    ['daily: one hour at 01:00 every night', [0, 1, 2, 3].map((n) => day(n, 1)), 'daily'],
    ['daily: a run of two hours, starting an hour late one night', [day(0, 1), day(0, 2), day(1, 2), day(2, 1)], 'daily'],
    ['weekly: 02:00 on the same day each week', [day(0, 2), day(7, 2), day(14, 2)], 'weekly'],
    ['steady: every hour', Array.from({ length: 72 }, (_, h) => day(0, h)), null],
    ['irregular: now and then', [day(0, 3), day(1, 9), day(3, 20)], null],
    ['seen once: cannot tell', [day(0, 1)], null],
    ['daily but for a missed night', [day(0, 1), day(1, 1), day(3, 1)], null],
  ] as const)('%s', (_name, hours, expected) => {
    expect(periodicityOf(hours)).toBe(expected);
  });
});

describe('under-observed workloads', () => {
  const span = { from: at('2026-12-01T00:00:00Z'), to: at('2026-12-04T00:00:00Z') };

  it('names a workload never seen in the observed span', () => {
    expect(workloadWarning({ kind: 'Deployment', lastSeen: null }, span, 7)).toBe(
      'no traffic seen in 3 days of observation: what it calls rarely is not in the map',
    );
    expect(workloadWarning({ kind: 'Deployment', lastSeen: at('2026-11-20T00:00:00Z') }, span, 7)).toMatch(/^no traffic seen/);
  });

  it('names a scheduled workload observed for less than the minimum', () => {
    expect(workloadWarning({ kind: 'CronJob', lastSeen: at('2026-12-02T02:00:00Z') }, span, 7)).toBe(
      'runs on a schedule and was seen in only 3 days of observation (less than 7 days): runs that call elsewhere may be missing',
    );
    expect(workloadWarning({ kind: 'CronJob', lastSeen: at('2026-12-02T02:00:00Z') }, span, 2)).toBeNull();
  });

  it('says nothing of a workload seen in the span', () => {
    expect(workloadWarning({ kind: 'Deployment', lastSeen: at('2026-12-03T00:00:00Z') }, span, 7)).toBeNull();
  });

  it('says so when nothing was ever observed', () => {
    expect(workloadWarning({ kind: 'Deployment', lastSeen: null }, null, 7)).toBe('never observed: no live source or import has seen this cluster');
  });
});
