import { cronMatchesDate, parseCron } from './cron';

const range = (a: number, b: number, step = 1): number[] => Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

describe('parseCron: the fields it reads', () => {
  it.each<[string, string, Partial<Record<'minutes' | 'hours' | 'daysOfMonth' | 'months' | 'daysOfWeek', number[]>>]>([
    ['a fixed time', '0 2 * * *', { minutes: [0], hours: [2], daysOfMonth: range(1, 31), months: range(1, 12), daysOfWeek: range(0, 6) }],
    ['lists', '0,15,30 1,3 * * *', { minutes: [0, 15, 30], hours: [1, 3] }],
    ['ranges', '0 2-5 * * *', { hours: [2, 3, 4, 5] }],
    ['steps over *', '*/15 * * * *', { minutes: [0, 15, 30, 45] }],
    ['steps over a range', '0-30/10 * * * *', { minutes: [0, 10, 20, 30] }],
    ['a start with a step runs to the end', '50/5 * * * *', { minutes: [50, 55] }],
    ['day names and a range of them', '0 2 * * MON-FRI', { daysOfWeek: [1, 2, 3, 4, 5] }],
    ['names are case-insensitive', '0 2 * * sat,Sun', { daysOfWeek: [0, 6] }],
    ['7 is Sunday too', '0 2 * * 5-7', { daysOfWeek: [0, 5, 6] }],
    ['month names', '0 0 1 JAN,jul *', { months: [1, 7], daysOfMonth: [1] }],
    ['month range with a step', '0 0 1 1-12/3 *', { months: [1, 4, 7, 10] }],
    ['@daily', '@daily', { minutes: [0], hours: [0] }],
    ['@hourly', '@hourly', { minutes: [0], hours: range(0, 23) }],
    ['@weekly', '@weekly', { daysOfWeek: [0] }],
    ['extra whitespace', '  0   2 *  * 1  ', { hours: [2], daysOfWeek: [1] }],
  ])('%s: %s', (_name, expression, expected) => {
    const r = parseCron(expression);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toMatchObject(expected);
  });
});

describe('parseCron: errors name the field', () => {
  it.each<[string, string, string, string]>([
    ['too few fields', '0 2 * *', 'expression', 'has 4 fields; expected 5'],
    ['too many fields', '0 2 * * * 2026', 'expression', 'has 6 fields'],
    ['minute out of range', '60 2 * * *', 'minute', '60 is out of range 0-59'],
    ['hour out of range', '0 24 * * *', 'hour', '24 is out of range 0-23'],
    ['day of month 0', '0 2 0 * *', 'day-of-month', '0 is out of range 1-31'],
    ['month 13', '0 2 * 13 *', 'month', '13 is out of range 1-12'],
    ['a bad month name', '0 2 * FOO *', 'month', '"FOO" is not a valid value'],
    ['day of week 8', '0 2 * * 8', 'day-of-week', '8 is out of range 0-7'],
    ['a bad day name', '0 2 * * MONDAY', 'day-of-week', '"MONDAY" is not a valid value'],
    ['a backwards range', '0 5-2 * * *', 'hour', 'From value is larger than to value'],
    ['a zero step', '*/0 * * * *', 'minute', 'illegal stepping: 0'],
    ['two steps', '*/5/2 * * * *', 'minute', "illegal stepping: '*/5/2'"],
    ['an empty list item', '0,,5 * * * *', 'minute', 'is empty'],
    ['a question mark', '0 2 ? * *', 'day-of-month', 'not a valid value'],
    ['@reboot', '@reboot', 'expression', 'not supported'],
  ])('%s: %s', (_name, expression, part, message) => {
    const r = parseCron(expression);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.part).toBe(part);
      expect(r.error.message).toContain(message);
    }
  });
});

describe('cronMatchesDate', () => {
  it.each<[string, string, string, boolean]>([
    ['weekdays on a Monday', '0 2 * * MON-FRI', '2026-01-05', true],
    ['weekdays on a Saturday', '0 2 * * MON-FRI', '2026-01-03', false],
    ['day 13 only', '0 2 13 * *', '2026-02-13', true],
    // both restricted: either matches (Vixie cron)
    ['13th or Friday: a Friday that is not the 13th', '0 2 13 * FRI', '2026-01-02', true],
    ['13th or Friday: a 13th that is not Friday', '0 2 13 * FRI', '2026-01-13', true],
    ['13th or Friday: neither', '0 2 13 * FRI', '2026-01-14', false],
    // a field starting with * is unrestricted, so AND applies
    ['*/2 days and Monday: an even day that is not Monday', '0 2 */2 * MON', '2026-01-03', false],
    ['month filter', '0 2 * JUL *', '2026-01-05', false],
    // croner's extensions: L, W and #
    ['the last day of the month', '0 2 L * *', '2026-02-28', true],
    ['the last day of the month: not the 27th', '0 2 L * *', '2026-02-27', false],
    ['the second Friday (FRI#2)', '0 2 * * FRI#2', '2026-01-09', true],
    ['the second Friday: not the first', '0 2 * * FRI#2', '2026-01-02', false],
    ['the last Friday (FRIL)', '0 2 * * FRIL', '2026-01-30', true],
    ['the weekday nearest the 1st (15W): Friday 14 August for Saturday 15', '0 2 15W * *', '2026-08-14', true],
  ])('%s', (_name, expression, date, expected) => {
    const r = parseCron(expression);
    if (!r.ok) throw new Error(r.error.message);
    const [y, m, d] = date.split('-').map(Number);
    expect(cronMatchesDate(r.value, y!, m!, d!)).toBe(expected);
  });
});
