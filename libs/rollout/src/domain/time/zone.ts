/**
 * Wall-clock time in IANA time zones, through the Temporal API (`temporal-polyfill`: Node 20 has none).
 *
 * Schedules are expanded in wall-clock time: cron and RRULE produce local dates and times ("02:30"),
 * held as milliseconds read as if the wall clock were UTC ("wall ms"). Each one is then placed in the
 * zone the way RFC 5545 reads a local DATE-TIME (section 3.3.5), which is Temporal's "compatible"
 * disambiguation:
 * - a time in the spring-forward gap does not exist: it is read with the offset before the gap, so it
 *   moves forward by the gap (02:30 -> 03:30), as Vixie cron does too;
 * - a time in the fall-back overlap exists twice: the first (earlier) instant is used.
 * RFC 5545's RRULE section would drop an occurrence that falls in a gap instead; for a maintenance
 * window, opening an hour late on the night clocks change beats not opening at all.
 */
import { Temporal } from 'temporal-polyfill';

export interface LocalDateTime {
  year: number;
  /** 1..12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * UTC offsets run from -12 h to +14 h, and a time in a gap takes the offset before it, so the instant of
 * a wall-clock time is never more than 14 h away from the wall ms.
 */
const ZONE_SLACK_MS = 14 * HOUR_MS;

function zoned(ms: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
}

/** True for an IANA zone name that Temporal knows (a bare offset such as "+01:00" is not a zone). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || /^[+-]/.test(timeZone)) return false;
  try {
    zoned(0, timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of an instant in a zone. */
export function toLocal(ms: number, timeZone: string): LocalDateTime {
  const { year, month, day, hour, minute, second } = zoned(ms, timeZone);
  return { year, month, day, hour, minute, second };
}

/** The zone's offset from UTC at an instant, in ms (Berlin in summer: +2 h). */
export function offsetAt(ms: number, timeZone: string): number {
  return zoned(ms, timeZone).offsetNanoseconds / 1e6;
}

/** The local date-time read as if it were UTC: a total order on wall-clock values. */
export function wallMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
}

/** The local date-time of wall ms. */
export function wallLocal(wall: number): LocalDateTime {
  const date = new Date(wall);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** The instant of a local date and time in a zone: a time in a gap moves forward by the gap, one in an overlap is the earlier. */
export function fromLocal(local: LocalDateTime, timeZone: string): number {
  const { year, month, day, hour, minute, second } = local;
  return new Temporal.PlainDateTime(year, month, day, hour, minute, second).toZonedDateTime(timeZone, { disambiguation: 'compatible' })
    .epochMilliseconds;
}

/**
 * The zone's offset when it does not change from a day before `fromMs` to a day after `limitMs` (so no
 * gap or overlap can reach into the range), else undefined.
 */
function steadyOffset(timeZone: string, fromMs: number, limitMs: number): number | undefined {
  if (timeZone === 'UTC') return 0;
  const start = zoned(fromMs - DAY_MS, timeZone);
  const change = start.getTimeZoneTransition('next');
  return change === null || change.epochMilliseconds > limitMs + DAY_MS ? start.offsetNanoseconds / 1e6 : undefined;
}

function insertSorted(sorted: number[], value: number): void {
  let index = sorted.length;
  while (index > 0 && sorted[index - 1]! > value) index--;
  sorted.splice(index, 0, value);
}

/**
 * The instants in [fromMs, limitMs] of a schedule expanded in wall-clock time, ascending and each once
 * (a time moved out of a gap can meet one the schedule already has). `wallTimesBetween(start, end)` gives
 * the schedule's wall ms in [start, end], ascending; it is read only as far as the limit needs.
 */
export function* placeInZone(
  wallTimesBetween: (startWall: number, endWall: number) => Iterable<number>,
  timeZone: string,
  fromMs: number,
  limitMs: number,
): Generator<number> {
  // Placing can reorder times near a gap (02:30 moves to 03:30, after the 03:00 that follows it), so
  // instants wait here until no later wall time can place before them.
  const waiting: number[] = [];
  let previous: number | undefined;
  let pastLimit = false;
  function* release(below: number): Generator<number> {
    while (waiting.length > 0 && waiting[0]! < below) {
      const instant = waiting.shift()!;
      // everything still to come places at or after `below`, so nothing more can be in range
      pastLimit = instant > limitMs;
      if (pastLimit) return;
      if (instant >= fromMs && instant !== previous) yield instant;
      previous = instant;
    }
  }
  const offset = steadyOffset(timeZone, fromMs, limitMs);
  if (offset !== undefined) {
    // one offset throughout: every wall time is one instant, in the same order
    for (const wall of wallTimesBetween(fromMs + offset, limitMs + offset)) yield wall - offset;
    return;
  }
  for (const wall of wallTimesBetween(fromMs - ZONE_SLACK_MS, limitMs + ZONE_SLACK_MS)) {
    if (pastLimit) return;
    yield* release(wall - ZONE_SLACK_MS);
    insertSorted(waiting, fromLocal(wallLocal(wall), timeZone));
  }
  yield* release(Infinity);
}
