import type { Freeze } from './types';
import type { TimeWindow } from './time/windows';
import { previewWindows } from './window-preview';

const at = (iso: string): Date => new Date(iso);
const cron = (expression: string, durationMinutes: number, timeZone = 'UTC'): TimeWindow => ({
  kind: 'cron',
  expression,
  durationMinutes,
  timeZone,
});
const prodNights = cron('0 2 * * MON-FRI', 180); // weekdays 02:00-05:00 UTC

/** The openings of one tier as ISO text, `end` null when nothing closes it. */
function openingsOf(result: ReturnType<typeof previewWindows>, tier: 'dev' | 'staging' | 'prod'): Array<[string, string | null]> {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result.tiers[tier].map((o) => [o.start.toISOString(), o.end?.toISOString() ?? null]);
}

describe('previewWindows', () => {
  it('answers the next three openings of a cron window, from the given instant', () => {
    const r = previewWindows({ windows: { prod: [prodNights] } }, at('2026-01-05T03:00:00Z'));
    expect(openingsOf(r, 'prod')).toEqual([
      ['2026-01-05T03:00:00.000Z', '2026-01-05T05:00:00.000Z'], // open already: from now until it closes
      ['2026-01-06T02:00:00.000Z', '2026-01-06T05:00:00.000Z'],
      ['2026-01-07T02:00:00.000Z', '2026-01-07T05:00:00.000Z'],
    ]);
  });

  it('places a daily window across the night clocks go forward: the gap moves it, then the offset changes', () => {
    // Europe/Berlin moves from CET (+01:00) to CEST (+02:00) at 02:00 on 29 March 2026: 02:30 does not exist that night.
    const r = previewWindows({ windows: { staging: [cron('30 2 * * *', 60, 'Europe/Berlin')] } }, at('2026-03-27T12:00:00Z'));
    expect(openingsOf(r, 'staging')).toEqual([
      ['2026-03-28T01:30:00.000Z', '2026-03-28T02:30:00.000Z'], // 02:30 CET
      ['2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00.000Z'], // in the gap: moved forward to 03:30 CEST
      ['2026-03-30T00:30:00.000Z', '2026-03-30T01:30:00.000Z'], // 02:30 CEST
    ]);
  });

  it('leaves out an occurrence an EXDATE removes', () => {
    const rule = 'DTSTART;TZID=Europe/Berlin:20260105T220000\nRRULE:FREQ=WEEKLY;BYDAY=MO\nEXDATE;VALUE=DATE:20260112';
    const r = previewWindows(
      { windows: { prod: [{ kind: 'rrule', rule, durationMinutes: 120, timeZone: 'Europe/Berlin' }] } },
      at('2026-01-01T00:00:00Z'),
    );
    expect(openingsOf(r, 'prod')).toEqual([
      ['2026-01-05T21:00:00.000Z', '2026-01-05T23:00:00.000Z'],
      ['2026-01-19T21:00:00.000Z', '2026-01-19T23:00:00.000Z'],
      ['2026-01-26T21:00:00.000Z', '2026-01-26T23:00:00.000Z'],
    ]);
  });

  it('skips an opening a freeze swallows, and only for the tiers the freeze names', () => {
    const mondayFreeze: Freeze = {
      kind: 'once',
      start: '2026-01-05T00:00:00Z',
      durationMinutes: 1440,
      timeZone: 'UTC',
      tiers: ['prod'],
      reason: 'sale',
    };
    const r = previewWindows(
      { windows: { prod: [prodNights], staging: [prodNights] }, freezes: [mondayFreeze] },
      at('2026-01-04T00:00:00Z'),
    );
    expect(openingsOf(r, 'prod').map(([start]) => start)).toEqual([
      '2026-01-06T02:00:00.000Z',
      '2026-01-07T02:00:00.000Z',
      '2026-01-08T02:00:00.000Z',
    ]);
    expect(openingsOf(r, 'staging')[0]).toEqual(['2026-01-05T02:00:00.000Z', '2026-01-05T05:00:00.000Z']);
  });

  it('cuts an opening where a freeze starts and resumes it where the freeze ends', () => {
    const hourFreeze: Freeze = { kind: 'once', start: '2026-01-05T03:00:00Z', durationMinutes: 60, timeZone: 'UTC' };
    const r = previewWindows({ windows: { prod: [prodNights] }, freezes: [hourFreeze] }, at('2026-01-05T00:00:00Z'));
    expect(openingsOf(r, 'prod')).toEqual([
      ['2026-01-05T02:00:00.000Z', '2026-01-05T03:00:00.000Z'],
      ['2026-01-05T04:00:00.000Z', '2026-01-05T05:00:00.000Z'],
      ['2026-01-06T02:00:00.000Z', '2026-01-06T05:00:00.000Z'],
    ]);
  });

  it('joins windows that follow each other without a gap into one opening', () => {
    const r = previewWindows({ windows: { dev: [cron('0 1 * * *', 60), cron('0 2 * * *', 60)] } }, at('2026-01-05T00:00:00Z'));
    expect(openingsOf(r, 'dev')[0]).toEqual(['2026-01-05T01:00:00.000Z', '2026-01-05T03:00:00.000Z']);
  });

  it('answers a tier without windows as open from now, until the first freeze that applies to it', () => {
    const freeze: Freeze = { kind: 'once', start: '2026-01-05T12:00:00Z', durationMinutes: 60, timeZone: 'UTC', tiers: ['dev'] };
    const r = previewWindows({ freezes: [freeze] }, at('2026-01-05T00:00:00Z'));
    expect(openingsOf(r, 'dev')).toEqual([
      ['2026-01-05T00:00:00.000Z', '2026-01-05T12:00:00.000Z'],
      ['2026-01-05T13:00:00.000Z', null],
    ]);
    expect(openingsOf(r, 'prod')).toEqual([['2026-01-05T00:00:00.000Z', null]]);
  });

  it('refuses a bad window naming the field and the part at fault', () => {
    const r = previewWindows(
      {
        windows: { prod: [prodNights, cron('0 2 * * MON-FRI', 60, 'Mars/Olympus')] },
        freezes: [cron('0 25 * * *', 60)],
      },
      at('2026-01-05T00:00:00Z'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field)).toEqual(['config.windows.prod[1].timeZone', expect.stringMatching(/^config\.freezes\[0\]\./)]);
  });
});

describe('previewWindows on a window that never closes', () => {
  it('answers an opening still open a month later without an end, at a bounded cost', () => {
    const everyMinute = cron('* * * * *', 1, 'Europe/Berlin');
    const r = previewWindows({ windows: { prod: [everyMinute] } }, at('2026-01-01T00:00:00Z'));
    expect(openingsOf(r, 'prod')).toEqual([['2026-01-01T00:00:00.000Z', null]]);
  });
});
