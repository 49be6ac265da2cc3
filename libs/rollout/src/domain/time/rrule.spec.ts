import { parseRRule, rruleOccurrences } from './rrule';

function first(text: string, timeZone: string, fromIso: string, n: number): string[] {
  const r = parseRRule(text);
  if (!r.ok) throw new Error(`${r.error.part}: ${r.error.message}`);
  const out: string[] = [];
  const from = Date.parse(fromIso);
  for (const t of rruleOccurrences(r.value, timeZone, from, from + 800 * 86_400_000)) {
    out.push(new Date(t).toISOString().slice(0, 16));
    if (out.length === n) break;
  }
  return out;
}

describe('parseRRule: what is refused names the part', () => {
  it.each<[string, string, string, string]>([
    ['no DTSTART', 'RRULE:FREQ=DAILY', 'DTSTART', 'needs a DTSTART'],
    ['no RRULE', 'DTSTART:20260105T020000', 'RRULE', 'no RRULE line'],
    ['no FREQ', 'DTSTART:20260105T020000\nRRULE:INTERVAL=2', 'FREQ', 'no FREQ'],
    ['YEARLY', 'DTSTART:20260105T020000\nRRULE:FREQ=YEARLY', 'FREQ', 'FREQ=YEARLY is not supported'],
    ['HOURLY', 'DTSTART:20260105T020000\nRRULE:FREQ=HOURLY', 'FREQ', 'FREQ=HOURLY is not supported'],
    ['BYMONTH', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYMONTH=1', 'BYMONTH', 'BYMONTH is not supported'],
    ['BYSETPOS', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1', 'BYSETPOS', 'not supported'],
    ['BYSECOND', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;BYSECOND=0', 'BYSECOND', 'not supported'],
    ['EXDATE', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXDATE:20260106T020000', 'EXDATE', 'EXDATE is not supported'],
    ['COUNT and UNTIL', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;COUNT=2;UNTIL=20260110T000000Z', 'UNTIL', 'COUNT and UNTIL'],
    ['INTERVAL=0', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;INTERVAL=0', 'INTERVAL', 'positive integer'],
    ['COUNT=x', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;COUNT=x', 'COUNT', 'positive integer'],
    ['a bad weekday', 'DTSTART:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO,XX', 'BYDAY', '"XX" is not a weekday'],
    ['an ordinal with WEEKLY', 'DTSTART:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=1MO', 'BYDAY', 'only supported with FREQ=MONTHLY'],
    ['ordinal 6', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYDAY=6MO', 'BYDAY', 'ordinal must be 1..5'],
    ['BYHOUR=24', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;BYHOUR=24', 'BYHOUR', 'out of range 0..23'],
    ['BYMINUTE=60', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;BYMINUTE=60', 'BYMINUTE', 'out of range 0..59'],
    ['BYMONTHDAY=0', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY', 'out of range'],
    ['BYMONTHDAY=32', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY', 'out of range'],
    ['BYMONTHDAY with WEEKLY', 'DTSTART:20260105T020000\nRRULE:FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY', 'cannot be used with FREQ=WEEKLY'],
    ['a part given twice', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;FREQ=WEEKLY', 'FREQ', 'given twice'],
    ['an unknown TZID', 'DTSTART;TZID=Mars/Olympus:20260105T020000\nRRULE:FREQ=DAILY', 'DTSTART', 'not an IANA time zone'],
    ['a bad DTSTART date', 'DTSTART:20260230T020000\nRRULE:FREQ=DAILY', 'DTSTART', 'not a valid calendar date-time'],
    ['a bad UNTIL', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;UNTIL=tomorrow', 'UNTIL', 'is not a date'],
    ['a bad WKST', 'DTSTART:20260105T020000\nRRULE:FREQ=WEEKLY;WKST=XX', 'WKST', 'not a weekday'],
    ['an empty rule', '  ', 'RRULE', 'empty'],
  ])('%s', (_name, text, part, message) => {
    const r = parseRRule(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.part).toBe(part);
      expect(r.error.message).toContain(message);
    }
  });

  it('reads DTSTART with a TZID, a UTC time, a date, and a bare FREQ line', () => {
    const a = parseRRule('DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO,FR');
    expect(a.ok && a.value.dtstartZone).toBe('Europe/Berlin');
    const b = parseRRule('DTSTART:20260105T020000Z FREQ=DAILY');
    expect(b.ok && b.value.dtstartZone).toBe('UTC');
    const c = parseRRule('DTSTART;VALUE=DATE:20260105\nRRULE:FREQ=DAILY;BYHOUR=3');
    expect(c.ok && c.value.dtstart).toEqual({ year: 2026, month: 1, day: 5, hour: 0, minute: 0, second: 0 });
  });
});

describe('rruleOccurrences', () => {
  it.each<[string, string, string, string, string[]]>([
    [
      'weekdays at 02:00 in Berlin (winter: 01:00 UTC)',
      'DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
      'Europe/Berlin',
      '2026-01-08T00:00:00Z',
      ['2026-01-08T01:00', '2026-01-09T01:00', '2026-01-12T01:00', '2026-01-13T01:00'],
    ],
    [
      'the first Saturday of the month',
      'DTSTART;TZID=Europe/Berlin:20260103T220000\nRRULE:FREQ=MONTHLY;BYDAY=1SA',
      'Europe/Berlin',
      '2026-01-01T00:00:00Z',
      ['2026-01-03T21:00', '2026-02-07T21:00', '2026-03-07T21:00', '2026-04-04T20:00'],
    ],
    [
      'the last Sunday at 02:30 Berlin, through the spring-forward night (02:30 does not exist: 03:30 CEST)',
      'DTSTART;TZID=Europe/Berlin:20260125T023000\nRRULE:FREQ=MONTHLY;BYDAY=-1SU',
      'Europe/Berlin',
      '2026-01-01T00:00:00Z',
      ['2026-01-25T01:30', '2026-02-22T01:30', '2026-03-29T01:30', '2026-04-26T00:30'],
    ],
    [
      'every other day, three times',
      'DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;INTERVAL=2;COUNT=3',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T02:00', '2026-01-07T02:00', '2026-01-09T02:00'],
    ],
    [
      'COUNT counts from DTSTART even when asked from later',
      'DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;COUNT=3',
      'UTC',
      '2026-01-06T12:00:00Z',
      ['2026-01-07T02:00'],
    ],
    [
      'UNTIL is inclusive',
      'DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;UNTIL=20260107T020000Z',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T02:00', '2026-01-06T02:00', '2026-01-07T02:00'],
    ],
    [
      'the last day of the month',
      'DTSTART:20260131T230000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-31T23:00', '2026-02-28T23:00', '2026-03-31T23:00', '2026-04-30T23:00'],
    ],
    [
      'day 31 skips the months without one',
      'DTSTART:20260131T010000Z\nRRULE:FREQ=MONTHLY',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-31T01:00', '2026-03-31T01:00', '2026-05-31T01:00'],
    ],
    [
      'Friday the 13th (BYDAY limits BYMONTHDAY)',
      'DTSTART:20260101T030000Z\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-02-13T03:00', '2026-03-13T03:00', '2026-11-13T03:00'],
    ],
    [
      'every second week on Tuesday and Thursday',
      'DTSTART:20260106T020000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-06T02:00', '2026-01-08T02:00', '2026-01-20T02:00', '2026-01-22T02:00', '2026-02-03T02:00'],
    ],
    [
      'BYHOUR and BYMINUTE expand within the day',
      'DTSTART:20260105T000000Z\nRRULE:FREQ=DAILY;BYHOUR=1,3;BYMINUTE=0,30;COUNT=5',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T01:00', '2026-01-05T01:30', '2026-01-05T03:00', '2026-01-05T03:30', '2026-01-06T01:00'],
    ],
    [
      'a floating DTSTART is read in the window zone (New York, EST)',
      'DTSTART:20260105T020000\nRRULE:FREQ=DAILY',
      'America/New_York',
      '2026-01-05T00:00:00Z',
      ['2026-01-05T07:00', '2026-01-06T07:00'],
    ],
    [
      'DAILY with BYDAY filters days',
      'DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;BYDAY=SA,SU',
      'UTC',
      '2026-01-05T00:00:00Z',
      ['2026-01-10T02:00', '2026-01-11T02:00', '2026-01-17T02:00'],
    ],
    [
      'a DTSTART that does not match the rule is not an occurrence',
      'DTSTART:20260105T020000Z\nRRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=2',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-02-07T02:00', '2026-03-07T02:00'],
    ],
    [
      'far from DTSTART (jumps ahead without COUNT)',
      'DTSTART;TZID=Europe/Berlin:20200106T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO',
      'Europe/Berlin',
      '2026-07-01T00:00:00Z',
      ['2026-07-06T00:00', '2026-07-13T00:00'],
    ],
  ])('%s', (_name, text, zone, from, expected) => {
    expect(first(text, zone, from, expected.length + 1).slice(0, expected.length)).toEqual(expected);
  });

  it('stops when COUNT is used up', () => {
    expect(first('DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;COUNT=2', 'UTC', '2026-01-01T00:00:00Z', 5)).toEqual(['2026-01-05T02:00', '2026-01-06T02:00']);
  });
});
