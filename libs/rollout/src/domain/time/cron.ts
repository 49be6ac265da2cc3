/**
 * 5-field cron (minute hour day-of-month month day-of-week), read and run by `croner`: lists (1,3),
 * ranges (1-5), steps (*\/15, 0-30/10, 5/10), month names (JAN..DEC), day names (SUN..SAT, 0 or 7 is
 * Sunday), croner's L (last day of the month; FRIL, the last Friday), W (nearest weekday) and # (FRI#2,
 * the second Friday), and the macros @yearly @annually @monthly @weekly @daily @midnight @hourly.
 *
 * As in Vixie cron, when both the day-of-month and the day-of-week are restricted a day matches if
 * either matches, and a field that starts with "*" (such as "*\/2") counts as unrestricted, so then both
 * must match. "?" is refused: in Quartz it means "no value", in croner "any", and a window should not
 * depend on which one the reader had in mind.
 *
 * The schedule runs in wall-clock time (see zone.ts): croner is asked for times as if the zone were UTC.
 */
import { Cron as Croner, CronPattern } from 'croner';
import { fail, type ParseResult } from './schedule-error';
import { DAY_MS } from './zone';

export type CronField = 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week';

export interface Cron {
  source: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  /** 0 = Sunday */
  daysOfWeek: number[];
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
  /** croner's schedule, in wall-clock time */
  schedule: Croner;
}

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** What each field accepts, for error messages. */
const FIELDS: ReadonlyArray<{ name: CronField; min: number; max: number; names?: string }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: 'JAN..DEC' },
  { name: 'day-of-week', min: 0, max: 7, names: 'SUN..SAT' },
];

const PATTERN_OPTIONS = { mode: '5-part', sloppyRanges: true } as const;

/** Why croner refuses one field on its own (the others "*"), or undefined when it accepts it. */
function refusalOf(fields: string[], index: number): string | undefined {
  if (fields[index]?.includes('?')) return '"?" is not accepted: write * for any value';
  try {
    new CronPattern(fields.map((field, i) => (i === index ? field : '*')).join(' '), undefined, PATTERN_OPTIONS);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern: /, '');
  }
}

/** The error of an expression croner refused, naming the first field it refuses on its own. */
function fieldError(fields: string[], libraryMessage: string): ParseResult<never> {
  for (const [index, text] of fields.entries()) {
    const spec = FIELDS[index];
    if (!spec) break;
    const refusal = refusalOf(fields, index);
    if (refusal === undefined) continue;
    const accepted = `a number ${spec.min}-${spec.max}${spec.names ? ` or a name ${spec.names}` : ''}, with lists, ranges and steps`;
    const reason = /^\d+$/.test(text)
      ? `${text} is out of range ${spec.min}-${spec.max}`
      : `"${text}" is not a valid value (${accepted}): ${refusal}`;
    return fail(spec.name, `cron ${spec.name} field "${text}": ${reason}`);
  }
  return fail('expression', `cron expression "${fields.join(' ')}": ${libraryMessage.replace(/^CronPattern: /, '')}`);
}

/** The values a pattern's flag array marks (croner counts days of the month and months from 0). */
function marked(flags: number[], base = 0): number[] {
  return flags.flatMap((flag, index) => (flag ? [index + base] : []));
}

export function parseCron(expression: string): ParseResult<Cron> {
  if (typeof expression !== 'string') return fail('expression', 'cron expression must be a string');
  const source = expression.trim();
  const macro = source.startsWith('@');
  if (macro && !MACROS.includes(source.toLowerCase()))
    return fail('expression', `cron macro "${source}" is not supported (${MACROS.join(', ')})`);
  const fields = source.split(/\s+/);
  if (!macro && fields.length !== 5) {
    return fail(
      'expression',
      `cron expression "${source}" has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week)`,
    );
  }
  // Macros restrict at most one of the two day fields, so either reading gives the same days.
  const dayOfMonthRestricted = !macro && !fields[2]!.startsWith('*');
  const dayOfWeekRestricted = !macro && !fields[4]!.startsWith('*');
  let schedule: Croner;
  try {
    if (fields.some((field) => field.includes('?'))) throw new Error('"?" is not accepted');
    schedule = new Croner(source, {
      ...PATTERN_OPTIONS,
      utcOffset: 0,
      domAndDow: !(dayOfMonthRestricted && dayOfWeekRestricted),
      paused: true,
    });
  } catch (error) {
    return fieldError(fields, (error as Error).message);
  }
  const pattern = new CronPattern(source, undefined, PATTERN_OPTIONS);
  return {
    ok: true,
    value: {
      source,
      minutes: marked(pattern.minute),
      hours: marked(pattern.hour),
      daysOfMonth: marked(pattern.day, 1),
      months: marked(pattern.month, 1),
      daysOfWeek: marked(pattern.dayOfWeek),
      dayOfMonthRestricted,
      dayOfWeekRestricted,
      schedule,
    },
  };
}

/** The cron's run times (wall ms) in [startWall, endWall]. */
export function* cronWallTimes(cron: Cron, startWall: number, endWall: number): Generator<number> {
  for (let run = cron.schedule.nextRun(new Date(startWall - 1)); run !== null && run.getTime() <= endWall; run = cron.schedule.nextRun(run))
    yield run.getTime();
}

/** Whether the cron fires on a local calendar date (the time-of-day fields aside). */
export function cronMatchesDate(cron: Cron, year: number, month: number, day: number): boolean {
  const midnight = Date.UTC(year, month - 1, day);
  return !cronWallTimes(cron, midnight, midnight + DAY_MS - 1).next().done;
}
