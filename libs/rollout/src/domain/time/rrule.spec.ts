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
    ['MINUTELY', 'DTSTART:20260105T020000\nRRULE:FREQ=MINUTELY', 'FREQ', 'FREQ=MINUTELY is not supported'],
    ['HOURLY', 'DTSTART:20260105T020000\nRRULE:FREQ=HOURLY', 'FREQ', 'FREQ=HOURLY is not supported'],
    ['BYMONTH=13', 'DTSTART:20260105T020000\nRRULE:FREQ=YEARLY;BYMONTH=13', 'BYMONTH', 'out of range 1..12'],
    [
      'BYSETPOS with nothing to pick from',
      'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYSETPOS=1',
      'BYSETPOS',
      'needs another BYxxx part',
    ],
    ['BYSETPOS=0', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0', 'BYSETPOS', 'out of range'],
    ['BYWEEKNO with MONTHLY', 'DTSTART:20260105T020000\nRRULE:FREQ=MONTHLY;BYWEEKNO=2', 'BYWEEKNO', 'cannot be used with FREQ=MONTHLY'],
    ['BYYEARDAY=367', 'DTSTART:20260105T020000\nRRULE:FREQ=YEARLY;BYYEARDAY=367', 'BYYEARDAY', 'out of range 1..366'],
    ['an ordinal week 54 with YEARLY', 'DTSTART:20260105T020000\nRRULE:FREQ=YEARLY;BYDAY=54MO', 'BYDAY', 'ordinal must be 1..53'],
    ['BYSECOND', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY;BYSECOND=0', 'BYSECOND', 'not supported'],
    ['EXRULE', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXRULE:FREQ=WEEKLY', 'EXRULE', 'EXRULE is not supported'],
    ['two RRULEs', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY', 'RRULE', 'only one RRULE'],
    ['an EXDATE that is not a date', 'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXDATE:20260106T0200', 'EXDATE', 'is not a date'],
    [
      'an EXDATE on February 30',
      'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXDATE;VALUE=DATE:20260230',
      'EXDATE',
      'not a valid calendar date-time',
    ],
    [
      'an EXDATE in an unknown zone',
      'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXDATE;TZID=Mars/Olympus:20260106T020000',
      'EXDATE',
      'not an IANA time zone',
    ],
    [
      'an EXDATE;VALUE=DATE with a time',
      'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nEXDATE;VALUE=DATE:20260106T020000',
      'EXDATE',
      'must be a date',
    ],
    [
      'an RDATE period',
      'DTSTART:20260105T020000\nRRULE:FREQ=DAILY\nRDATE;VALUE=PERIOD:20260106T020000Z/PT1H',
      'RDATE',
      'VALUE=PERIOD is not supported',
    ],
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
    expect(first('DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;COUNT=2', 'UTC', '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-01-05T02:00',
      '2026-01-06T02:00',
    ]);
  });
});

describe('rruleOccurrences: the rest of RFC 5545 (YEARLY, BYMONTH, BYSETPOS, EXDATE, RDATE)', () => {
  it.each<[string, string, string, string, string[]]>([
    [
      'every second Tuesday of the month at 22:00 Berlin except two listed dates (winter 21:00 UTC, summer 20:00 UTC)',
      'DTSTART;TZID=Europe/Berlin:20260113T220000\nRRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2\nEXDATE;TZID=Europe/Berlin:20260414T220000,20261110T220000',
      'Europe/Berlin',
      '2026-03-01T00:00:00Z',
      [
        '2026-03-10T21:00',
        '2026-05-12T20:00',
        '2026-06-09T20:00',
        '2026-07-14T20:00',
        '2026-08-11T20:00',
        '2026-09-08T20:00',
        '2026-10-13T20:00',
        '2026-12-08T21:00',
      ],
    ],
    [
      'the same with an ordinal BYDAY and the holidays as dates on their own line each',
      'DTSTART;TZID=Europe/Berlin:20260113T220000\nRRULE:FREQ=MONTHLY;BYDAY=2TU\nEXDATE;VALUE=DATE:20260414\nEXDATE;VALUE=DATE:20260512',
      'Europe/Berlin',
      '2026-03-01T00:00:00Z',
      ['2026-03-10T21:00', '2026-06-09T20:00'],
    ],
    [
      'an EXDATE in UTC removes the occurrence at that instant (22:00 CEST is 20:00 UTC)',
      'DTSTART;TZID=Europe/Berlin:20260609T220000\nRRULE:FREQ=MONTHLY;BYDAY=2TU\nEXDATE:20260714T200000Z',
      'Europe/Berlin',
      '2026-06-01T00:00:00Z',
      ['2026-06-09T20:00', '2026-08-11T20:00'],
    ],
    [
      'an EXDATE at another time of the same day removes nothing',
      'DTSTART;TZID=Europe/Berlin:20260609T220000\nRRULE:FREQ=MONTHLY;BYDAY=2TU\nEXDATE;TZID=Europe/Berlin:20260714T210000',
      'Europe/Berlin',
      '2026-06-01T00:00:00Z',
      ['2026-06-09T20:00', '2026-07-14T20:00'],
    ],
    [
      'an EXDATE does not give back a COUNT: three occurrences less one',
      'DTSTART:20260105T020000Z\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20260106T020000Z',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T02:00', '2026-01-07T02:00'],
    ],
    [
      "RDATEs add occurrences, in order, once each (one of them is also the rule's)",
      'DTSTART:20260105T020000Z\nRRULE:FREQ=WEEKLY;COUNT=2\nRDATE:20260107T030000Z,20260112T020000Z\nRDATE;TZID=Europe/Berlin:20260110T100000',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T02:00', '2026-01-07T03:00', '2026-01-10T09:00', '2026-01-12T02:00'],
    ],
    [
      "an RDATE that is a date comes at the DTSTART's time of day; an EXDATE removes an RDATE too",
      'DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=DAILY;COUNT=1\nRDATE;VALUE=DATE:20260201,20260202\nEXDATE;VALUE=DATE:20260202',
      'Europe/Berlin',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T01:00', '2026-02-01T01:00'],
    ],
    [
      'YEARLY in June and December on the first Saturday',
      'DTSTART:20260606T040000Z\nRRULE:FREQ=YEARLY;BYMONTH=6,12;BYDAY=1SA',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-06-06T04:00', '2026-12-05T04:00', '2027-06-05T04:00', '2027-12-04T04:00'],
    ],
    [
      'YEARLY on 29 February skips the years without one',
      'DTSTART:20240229T010000Z\nRRULE:FREQ=YEARLY',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2028-02-29T01:00'],
    ],
    [
      'MONTHLY limited by BYMONTH to the quarter ends, on the last day',
      'DTSTART:20260331T230000Z\nRRULE:FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-03-31T23:00', '2026-06-30T23:00', '2026-09-30T23:00', '2026-12-31T23:00'],
    ],
    [
      'the last weekday of the month (BYSETPOS=-1 over MO..FR)',
      'DTSTART:20260130T180000Z\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-01-30T18:00', '2026-02-27T18:00', '2026-03-31T18:00', '2026-04-30T18:00', '2026-05-29T18:00'],
    ],
    [
      'YEARLY in ISO week 1 on Monday (BYWEEKNO)',
      'DTSTART:20261228T020000Z\nRRULE:FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2027-01-04T02:00', '2028-01-03T02:00'],
    ],
    [
      'the 100th day of the year (BYYEARDAY)',
      'DTSTART:20260410T000000Z\nRRULE:FREQ=YEARLY;BYYEARDAY=100',
      'UTC',
      '2026-01-01T00:00:00Z',
      ['2026-04-10T00:00', '2027-04-10T00:00'],
    ],
  ])('%s', (_name, text, zone, from, expected) => {
    expect(first(text, zone, from, expected.length + 1).slice(0, expected.length)).toEqual(expected);
  });

  it.each<[string, string, string, string[]]>([
    [
      'YEARLY on the last Sunday of March at 02:30 Berlin: every year the night clocks go forward, so 03:30 CEST',
      'DTSTART;TZID=Europe/Berlin:20260329T023000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      '2026-01-01T00:00:00Z',
      ['2026-03-29T01:30', '2027-03-28T01:30'],
    ],
    [
      'YEARLY on the last Sunday of October at 02:30 Berlin: the first of the two 02:30s (CEST)',
      'DTSTART;TZID=Europe/Berlin:20261025T023000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      '2026-01-01T00:00:00Z',
      ['2026-10-25T00:30', '2027-10-31T00:30'],
    ],
    [
      'an EXDATE at a time that does not exist removes the occurrence moved out of the gap',
      'DTSTART;TZID=Europe/Berlin:20260327T023000\nRRULE:FREQ=DAILY;COUNT=4\nEXDATE;TZID=Europe/Berlin:20260329T023000',
      '2026-03-01T00:00:00Z',
      ['2026-03-27T01:30', '2026-03-28T01:30', '2026-03-30T00:30'],
    ],
  ])('daylight saving time: %s', (_name, text, from, expected) => {
    expect(first(text, 'Europe/Berlin', from, expected.length + 1).slice(0, expected.length)).toEqual(expected);
  });
});
