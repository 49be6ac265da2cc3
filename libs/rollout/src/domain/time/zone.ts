/**
 * Wall-clock arithmetic in IANA time zones, through Intl.DateTimeFormat only (no tz database of our own).
 *
 * Schedules are written in local time ("02:00 in Europe/Berlin"), so every occurrence is a local date and
 * time that must become an instant. Two local times are special around daylight saving changes:
 * - a time in the spring-forward gap does not exist: it is moved forward by the gap (02:30 -> 03:30), as
 *   RFC 5545 and Vixie cron do;
 * - a time in the fall-back overlap exists twice: the first (earlier) instant is used, as RFC 5545 says.
 */

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

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and time of an instant in a zone. */
export function toLocal(ms: number, timeZone: string): LocalDateTime {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  const hour = get('hour');
  return { year: get('year'), month: get('month'), day: get('day'), hour: hour === 24 ? 0 : hour, minute: get('minute'), second: get('second') };
}

/** The zone's offset from UTC at an instant, in ms (Berlin in summer: +2 h). */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const l = toLocal(whole, timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - whole;
}

function sameLocal(a: LocalDateTime, b: LocalDateTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute && a.second === b.second;
}

/** The local date-time read as if it were UTC: a total order on wall-clock values. */
export function wallMs(l: LocalDateTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
}

/**
 * The instant of a local date and time in a zone. A time in a DST gap moves forward by the gap; a time
 * in a DST overlap is the earlier of its two instants.
 */
export function fromLocal(l: LocalDateTime, timeZone: string): number {
  const wall = wallMs(l);
  let best: number | undefined;
  for (const around of [wall - DAY_MS, wall, wall + DAY_MS]) {
    const t = wall - offsetAt(around, timeZone);
    if (sameLocal(toLocal(t, timeZone), l) && (best === undefined || t < best)) best = t;
  }
  if (best !== undefined) return best;
  // In a gap: read the time with the offset in force before the change, which lands after the gap.
  return wall - offsetAt(wall - DAY_MS, timeZone);
}

/**
 * A converter for many times of one local day: when no offset change is near the day (nearly always)
 * it is plain arithmetic, otherwise it falls back to `fromLocal`.
 */
export function dayConverter(year: number, month: number, day: number, timeZone: string): (hour: number, minute: number, second: number) => number {
  const start = Date.UTC(year, month - 1, day);
  const before = offsetAt(start - 15 * HOUR_MS, timeZone);
  const after = offsetAt(start + DAY_MS + 15 * HOUR_MS, timeZone);
  if (before === after) return (h, m, s) => start + h * HOUR_MS + m * MINUTE_MS + s * 1000 - before;
  return (h, m, s) => fromLocal({ year, month, day, hour: h, minute: m, second: s }, timeZone);
}

// ---- civil-date helpers (days counted from 1970-01-01, weekdays 0 = Sunday) ----

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

export function civilFromDayNumber(n: number): CivilDate {
  const d = new Date(n * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function weekdayOf(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
