import { InvalidScheduleError } from './schedule-error';
import { compileWindow, nextOpening, windowClosesAt, windowOpen, type TimeWindow } from './windows';

const at = (iso: string): Date => new Date(iso);
const cron = (expression: string, durationMinutes: number, timeZone = 'UTC'): TimeWindow => ({
  kind: 'cron',
  expression,
  durationMinutes,
  timeZone,
});
const rrule = (rule: string, durationMinutes: number, timeZone: string): TimeWindow => ({ kind: 'rrule', rule, durationMinutes, timeZone });
const once = (start: string, durationMinutes: number): TimeWindow => ({ kind: 'once', start, durationMinutes, timeZone: 'UTC' });

const prodNights = cron('0 2 * * MON-FRI', 180); // weekdays 02:00-05:00 UTC

describe('windowOpen', () => {
  it.each<[string, TimeWindow[], TimeWindow[], string, boolean]>([
    ['prod nights: Monday 02:00 exactly', [prodNights], [], '2026-01-05T02:00:00Z', true],
    ['prod nights: Monday 04:59:59', [prodNights], [], '2026-01-05T04:59:59Z', true],
    ['prod nights: Monday 05:00 (closed: the end is exclusive)', [prodNights], [], '2026-01-05T05:00:00Z', false],
    ['prod nights: Monday 01:59', [prodNights], [], '2026-01-05T01:59:00Z', false],
    ['prod nights: Saturday 03:00', [prodNights], [], '2026-01-03T03:00:00Z', false],
    ['a window spanning midnight is open after midnight', [cron('0 23 * * FRI', 240)], [], '2026-01-10T01:00:00Z', true],
    ['no windows configured: open', [], [], '2026-01-03T03:00:00Z', true],
    ['no windows but a freeze: closed', [], [once('2026-01-03T00:00:00Z', 1440)], '2026-01-03T03:00:00Z', false],
    ['a freeze wins over an open window', [prodNights], [cron('0 0 * * MON', 1440)], '2026-01-05T03:00:00Z', false],
    ['a freeze on another day does not matter', [prodNights], [cron('0 0 * * TUE', 1440)], '2026-01-05T03:00:00Z', true],
    ['any of several windows', [prodNights, cron('0 12 * * SAT', 60)], [], '2026-01-03T12:30:00Z', true],
    ['Berlin 02:00 in winter is 01:00 UTC', [cron('0 2 * * *', 60, 'Europe/Berlin')], [], '2026-01-15T01:30:00Z', true],
    ['Berlin 02:00 in summer is 00:00 UTC', [cron('0 2 * * *', 60, 'Europe/Berlin')], [], '2026-07-15T00:30:00Z', true],
    ['Berlin 02:00 in summer: 01:30 UTC is already closed', [cron('0 2 * * *', 60, 'Europe/Berlin')], [], '2026-07-15T01:30:00Z', false],
    [
      'an RRULE window',
      [rrule('DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE', 120, 'Europe/Berlin')],
      [],
      '2026-01-07T02:30:00Z',
      true,
    ],
    [
      'an RRULE window before its DTSTART',
      [rrule('DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE', 120, 'Europe/Berlin')],
      [],
      '2025-12-31T02:30:00Z',
      false,
    ],
  ])('%s', (_name, windows, freezes, now, expected) => {
    expect(windowOpen(at(now), windows, freezes)).toBe(expected);
  });
});

describe('daylight saving time', () => {
  const berlin0230 = cron('30 2 * * *', 60, 'Europe/Berlin');
  const ny0230 = cron('30 2 * * *', 60, 'America/New_York');
  const ny0130 = cron('30 1 * * *', 60, 'America/New_York');

  it.each<[string, TimeWindow, string, string]>([
    [
      'Berlin, spring forward: 02:30 does not exist, the window opens at 03:30 CEST',
      berlin0230,
      '2026-03-28T23:00:00Z',
      '2026-03-29T01:30:00.000Z',
    ],
    ['Berlin, the day after: 02:30 CEST', berlin0230, '2026-03-29T03:00:00Z', '2026-03-30T00:30:00.000Z'],
    ['Berlin, fall back: 02:30 happens twice, the first (CEST) is used', berlin0230, '2026-10-24T23:00:00Z', '2026-10-25T00:30:00.000Z'],
    ['Berlin, the day after fall back: 02:30 CET', berlin0230, '2026-10-25T03:00:00Z', '2026-10-26T01:30:00.000Z'],
    ['New York, spring forward: 02:30 does not exist, 03:30 EDT', ny0230, '2026-03-08T00:00:00Z', '2026-03-08T07:30:00.000Z'],
    ['New York, fall back: 01:30 happens twice, the first (EDT) is used', ny0130, '2026-11-01T00:00:00Z', '2026-11-01T05:30:00.000Z'],
    ['New York, the day after fall back: 01:30 EST', ny0130, '2026-11-01T07:00:00Z', '2026-11-02T06:30:00.000Z'],
  ])('%s', (_name, window, now, expected) => {
    expect(nextOpening(at(now), [window])?.toISOString()).toBe(expected);
  });

  it('Berlin, fall back: the window is not opened a second time in the repeated hour', () => {
    expect(windowOpen(at('2026-10-25T00:45:00Z'), [berlin0230])).toBe(true); // 02:45 CEST
    expect(windowOpen(at('2026-10-25T01:45:00Z'), [berlin0230])).toBe(false); // 02:45 CET
  });

  it('New York, fall back: the window is not opened a second time in the repeated hour', () => {
    expect(windowOpen(at('2026-11-01T05:45:00Z'), [ny0130])).toBe(true); // 01:45 EDT
    expect(windowOpen(at('2026-11-01T06:45:00Z'), [ny0130])).toBe(false); // 01:45 EST
  });

  it('a duration is elapsed time: 3 h from 01:00 on the spring-forward night ends at 05:00 CEST', () => {
    const w = cron('0 1 * * *', 180, 'Europe/Berlin');
    expect(windowClosesAt(at('2026-03-29T00:30:00Z'), [w])?.toISOString()).toBe('2026-03-29T03:00:00.000Z');
    expect(windowOpen(at('2026-03-29T02:59:00Z'), [w])).toBe(true);
    expect(windowOpen(at('2026-03-29T03:00:00Z'), [w])).toBe(false);
  });

  it.each<[string, string, string, string[]]>([
    // 02:00 and 02:30 do not exist: they move to 03:00 and 03:30 CEST, where the cron starts anyway
    ['spring forward: each start once, in order', '2026-03-28T23:00:00Z', '2026-03-29T03:00:00Z', ['00:00', '00:30', '01:00', '01:30']],
    // 02:00 and 02:30 happen twice: the first (CEST) only
    [
      'fall back: the repeated hour starts once',
      '2026-10-24T22:00:00Z',
      '2026-10-25T03:00:00Z',
      ['23:00', '23:30', '00:00', '00:30', '02:00', '02:30'],
    ],
  ])('a cron every 30 minutes from 01:00 to 03:59 in Berlin, %s', (_name, from, limit, expected) => {
    const compiled = compileWindow(cron('*/30 1-3 * * *', 10, 'Europe/Berlin'));
    if (!compiled.ok) throw new Error(compiled.error.message);
    const starts = [...compiled.value.starts(Date.parse(from), Date.parse(limit))].map((t) => new Date(t).toISOString().slice(11, 16));
    expect(starts).toEqual(expected);
  });

  it('an RRULE in New York keeps its local time across the change', () => {
    const w = rrule('DTSTART;TZID=America/New_York:20260302T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO', 60, 'America/New_York');
    expect(nextOpening(at('2026-03-03T00:00:00Z'), [w])?.toISOString()).toBe('2026-03-09T06:00:00.000Z'); // 02:00 EDT
    expect(nextOpening(at('2026-03-01T00:00:00Z'), [w])?.toISOString()).toBe('2026-03-02T07:00:00.000Z'); // 02:00 EST
  });
});

describe('nextOpening', () => {
  it.each<[string, TimeWindow[], TimeWindow[], string, string | null]>([
    ['already open: now', [prodNights], [], '2026-01-05T03:00:00Z', '2026-01-05T03:00:00.000Z'],
    ['Friday after the window: Monday 02:00', [prodNights], [], '2026-01-09T06:00:00Z', '2026-01-12T02:00:00.000Z'],
    ['no windows: now', [], [], '2026-01-09T06:00:00Z', '2026-01-09T06:00:00.000Z'],
    [
      'a freeze over the holidays pushes past it',
      [cron('0 2 * * *', 180)],
      [once('2026-12-20T00:00:00Z', 14 * 1440)],
      '2026-12-21T00:00:00Z',
      '2027-01-03T02:00:00.000Z',
    ],
    [
      'a freeze ending inside an open window opens at the freeze end',
      [cron('0 0 * * *', 1440)],
      [once('2026-12-01T10:00:00Z', 120)],
      '2026-12-01T10:30:00Z',
      '2026-12-01T12:00:00.000Z',
    ],
    [
      'chained freezes',
      [],
      [once('2026-12-01T10:00:00Z', 60), once('2026-12-01T11:00:00Z', 60)],
      '2026-12-01T10:30:00Z',
      '2026-12-01T12:00:00.000Z',
    ],
    [
      'a rule that has run out never opens',
      [rrule('DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;COUNT=2', 60, 'UTC')],
      [],
      '2026-02-01T00:00:00Z',
      null,
    ],
    ['a window always frozen never opens', [prodNights], [cron('0 0 * * *', 1440)], '2026-01-05T00:00:00Z', null],
    ['a freeze limited to its own list does not touch others', [prodNights], [], '2026-01-05T01:00:00Z', '2026-01-05T02:00:00.000Z'],
  ])('%s', (_name, windows, freezes, now, expected) => {
    const r = nextOpening(at(now), windows, freezes);
    expect(r === null ? null : r.toISOString()).toBe(expected);
  });

  it('the result is open, and nothing earlier is', () => {
    const windows = [cron('15 2 * * 1-5', 45, 'Europe/Berlin')];
    const freezes = [cron('0 0 * * WED', 1440, 'Europe/Berlin')];
    let now = Date.parse('2026-03-20T00:00:00Z');
    for (let i = 0; i < 10; i++) {
      const next = nextOpening(new Date(now), windows, freezes)!;
      expect(windowOpen(next, windows, freezes)).toBe(true);
      for (let t = now; t < next.getTime(); t += 15 * 60_000) expect(windowOpen(new Date(t), windows, freezes)).toBe(false);
      now = next.getTime() + 50 * 60_000;
    }
  });
});

describe('a window on the second Tuesday of the month except public holidays', () => {
  // 22:00-01:00 Berlin; 14 April and 10 November are holidays
  const patchNight = rrule(
    'DTSTART;TZID=Europe/Berlin:20260113T220000\nRRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2\nEXDATE;VALUE=DATE:20260414,20261110',
    180,
    'Europe/Berlin',
  );

  it.each<[string, string, boolean]>([
    ['open on 10 March at 23:30 CET', '2026-03-10T22:30:00Z', true],
    ['still open after midnight, at 00:30 CET on 11 March', '2026-03-10T23:30:00Z', true],
    ['closed at 01:00 CET, its end', '2026-03-11T00:00:00Z', false],
    ['closed on the first Tuesday, 3 March', '2026-03-03T22:30:00Z', false],
    ['closed on the holiday, 14 April', '2026-04-14T21:00:00Z', false],
    ['open on 12 May at 22:00 CEST', '2026-05-12T20:00:00Z', true],
  ])('%s', (_name, now, expected) => {
    expect(windowOpen(at(now), [patchNight])).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['from 1 April the holiday is skipped: 12 May 22:00 CEST', '2026-04-01T00:00:00Z', '2026-05-12T20:00:00.000Z'],
    ['from 1 November the holiday is skipped: 8 December 22:00 CET', '2026-11-01T00:00:00Z', '2026-12-08T21:00:00.000Z'],
  ])('%s', (_name, now, expected) => {
    expect(nextOpening(at(now), [patchNight])?.toISOString()).toBe(expected);
  });
});

describe('compileWindow: errors name the part', () => {
  it.each<[string, TimeWindow, string]>([
    ['an unknown zone', cron('0 2 * * *', 60, 'Europe/Atlantis'), 'timeZone'],
    ['a zero duration', cron('0 2 * * *', 0), 'durationMinutes'],
    ['a cron field', cron('0 25 * * *', 60), 'hour'],
    ['an RRULE part', rrule('DTSTART:20260105T020000\nRRULE:FREQ=HOURLY', 60, 'UTC'), 'FREQ'],
    ['an EXDATE', rrule('DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXDATE:2026-01-06', 60, 'UTC'), 'EXDATE'],
    [
      'a DTSTART zone other than the window zone',
      rrule('DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=DAILY', 60, 'America/New_York'),
      'DTSTART',
    ],
    [
      'a single start without a zone designator',
      { kind: 'once', start: '2026-12-20T00:00:00', durationMinutes: 60, timeZone: 'UTC' },
      'start',
    ],
    ['an unknown kind', { kind: 'weekly', durationMinutes: 60, timeZone: 'UTC' } as unknown as TimeWindow, 'kind'],
  ])('%s', (_name, window, part) => {
    const r = compileWindow(window);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.part).toBe(part);
  });

  it('windowOpen refuses an invalid window loudly (they are validated when a rollout is created)', () => {
    expect(() => windowOpen(at('2026-01-05T00:00:00Z'), [cron('0 2 * *', 60)])).toThrow(InvalidScheduleError);
  });
});
