/**
 * The subset of RFC 5545 recurrence rules that real maintenance windows use:
 *
 *   DTSTART[;TZID=<zone>]:<yyyymmdd>T<hhmmss>[Z]   (required; also DTSTART;VALUE=DATE:<yyyymmdd>)
 *   RRULE:FREQ=DAILY|WEEKLY|MONTHLY[;INTERVAL=n][;COUNT=n|;UNTIL=...][;BYDAY=...][;BYMONTHDAY=...]
 *         [;BYHOUR=...][;BYMINUTE=...][;WKST=MO]
 *
 * BYDAY takes MO..SU, and for MONTHLY also ordinals (1SA = first Saturday, -1SU = last Sunday).
 * BYMONTHDAY takes 1..31 and -31..-1 (not with WEEKLY, as RFC 5545 says). Everything else (YEARLY,
 * BYMONTH, BYSETPOS, BYWEEKNO, BYYEARDAY, BYSECOND, EXDATE, RDATE, ...) is refused with an error naming
 * the part, so that a window never silently means something other than what was written.
 *
 * Expansion happens in local wall-clock time of the DTSTART's zone (TZID, UTC for a "Z" time, else the
 * window's zone); DST gaps and overlaps are handled by `fromLocal`.
 */
import { fail, type ParseResult } from './schedule-error';
import {
  civilFromDayNumber,
  dayConverter,
  dayNumber,
  daysInMonth,
  DAY_MS,
  fromLocal,
  isValidTimeZone,
  wallMs,
  weekdayOf,
  type LocalDateTime,
} from './zone';

export type RRuleFrequency = 'DAILY' | 'WEEKLY' | 'MONTHLY';

export interface ByDay {
  /** 0 = Sunday */
  weekday: number;
  /** MONTHLY only: 1 = first, -1 = last */
  ordinal?: number;
}

export type Until = { kind: 'utc'; ms: number } | { kind: 'local'; wall: LocalDateTime };

export interface RRule {
  source: string;
  freq: RRuleFrequency;
  interval: number;
  count?: number;
  until?: Until;
  byDay?: ByDay[];
  byMonthDay?: number[];
  byHour?: number[];
  byMinute?: number[];
  /** 0 = Sunday; RFC 5545's default is Monday */
  weekStart: number;
  dtstart: LocalDateTime;
  /** TZID of DTSTART, "UTC" for a time ending in Z, absent for a floating time (the window's zone applies) */
  dtstartZone?: string;
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const SUPPORTED_PARTS = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'BYHOUR', 'BYMINUTE', 'WKST'];

function parseDateTime(text: string, part: string): ParseResult<{ wall: LocalDateTime; utc: boolean; dateOnly: boolean }> {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (!m) return fail(part, `RRULE ${part} "${text}" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])`);
  const wall: LocalDateTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] === undefined ? 0 : Number(m[4]),
    minute: m[5] === undefined ? 0 : Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
  };
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month) || wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return fail(part, `RRULE ${part} "${text}" is not a valid calendar date-time`);
  }
  return { ok: true, value: { wall, utc: m[7] === 'Z', dateOnly: m[4] === undefined } };
}

function parseIntList(text: string, part: string, min: number, max: number, allowNegative: boolean): ParseResult<number[]> {
  const out: number[] = [];
  for (const item of text.split(',')) {
    if (!/^[+-]?\d+$/.test(item)) return fail(part, `RRULE ${part} "${text}": "${item}" is not an integer`);
    const n = Number(item);
    const ok = allowNegative ? n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max : n >= min && n <= max;
    if (!ok) return fail(part, `RRULE ${part} "${text}": ${item} is out of range ${allowNegative ? `${min}..${max} or -${max}..-${min}` : `${min}..${max}`}`);
    out.push(n);
  }
  return { ok: true, value: [...new Set(out)].sort((a, b) => a - b) };
}

function parseDtstart(line: string): ParseResult<{ wall: LocalDateTime; zone?: string }> {
  const m = /^DTSTART((?:;[^:;]+)*):(.+)$/i.exec(line);
  if (!m) return fail('DTSTART', `"${line}" is not a DTSTART line (DTSTART[;TZID=Zone/Name]:YYYYMMDDTHHMMSS[Z])`);
  let zone: string | undefined;
  let valueType = 'DATE-TIME';
  for (const param of m[1].split(';').filter((p) => p.length > 0)) {
    const [name, value] = param.split('=');
    if (name.toUpperCase() === 'TZID' && value) zone = value;
    else if (name.toUpperCase() === 'VALUE' && value) valueType = value.toUpperCase();
    else return fail('DTSTART', `DTSTART parameter "${param}" is not supported (TZID, VALUE)`);
  }
  if (zone !== undefined && !isValidTimeZone(zone)) return fail('DTSTART', `DTSTART TZID "${zone}" is not an IANA time zone`);
  const dt = parseDateTime(m[2].trim(), 'DTSTART');
  if (!dt.ok) return dt;
  if (valueType === 'DATE' && !dt.value.dateOnly) return fail('DTSTART', 'DTSTART;VALUE=DATE must be a date (YYYYMMDD)');
  if (dt.value.utc) {
    if (zone !== undefined) return fail('DTSTART', 'DTSTART cannot have both a TZID and a UTC time (Z)');
    zone = 'UTC';
  }
  return { ok: true, value: { wall: dt.value.wall, zone } };
}

/** Parses "DTSTART...\nRRULE:..." (the lines may also be separated by spaces or given in either order). */
export function parseRRule(text: string): ParseResult<RRule> {
  if (typeof text !== 'string' || text.trim().length === 0) return fail('RRULE', 'recurrence rule is empty');
  const lines = text
    .split(/[\r\n]+|\s+(?=(?:DTSTART|RRULE|EXDATE|RDATE|EXRULE)\b|FREQ=)/i)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  let dtstart: { wall: LocalDateTime; zone?: string } | undefined;
  let ruleText: string | undefined;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith('DTSTART')) {
      if (dtstart) return fail('DTSTART', 'DTSTART is given twice');
      const d = parseDtstart(line);
      if (!d.ok) return d;
      dtstart = d.value;
    } else if (upper.startsWith('RRULE:') || upper.startsWith('FREQ=')) {
      if (ruleText !== undefined) return fail('RRULE', 'only one RRULE is supported');
      ruleText = upper.startsWith('RRULE:') ? line.slice(6) : line;
    } else {
      const name = /^[A-Za-z-]+/.exec(line)?.[0]?.toUpperCase() ?? line;
      return fail(name, `${name} is not supported: a window is one DTSTART and one RRULE`);
    }
  }
  if (ruleText === undefined) return fail('RRULE', 'no RRULE line (RRULE:FREQ=...)');
  if (!dtstart) return fail('DTSTART', 'a recurrence rule needs a DTSTART (e.g. DTSTART;TZID=Europe/Berlin:20260105T020000)');

  const parts = new Map<string, string>();
  for (const raw of ruleText.split(';').filter((p) => p.trim().length > 0)) {
    const eq = raw.indexOf('=');
    const name = (eq < 0 ? raw : raw.slice(0, eq)).trim().toUpperCase();
    const value = eq < 0 ? '' : raw.slice(eq + 1).trim().toUpperCase();
    if (!SUPPORTED_PARTS.includes(name)) return fail(name, `RRULE part ${name} is not supported (supported: ${SUPPORTED_PARTS.join(', ')})`);
    if (parts.has(name)) return fail(name, `RRULE part ${name} is given twice`);
    if (value.length === 0) return fail(name, `RRULE part ${name} has no value`);
    parts.set(name, value);
  }

  const freqText = parts.get('FREQ');
  if (freqText === undefined) return fail('FREQ', 'RRULE has no FREQ');
  if (freqText !== 'DAILY' && freqText !== 'WEEKLY' && freqText !== 'MONTHLY') {
    return fail('FREQ', `FREQ=${freqText} is not supported (DAILY, WEEKLY, MONTHLY)`);
  }
  const freq: RRuleFrequency = freqText;
  const rule: RRule = { source: text.trim(), freq, interval: 1, weekStart: 1, dtstart: dtstart.wall, dtstartZone: dtstart.zone };

  const interval = parts.get('INTERVAL');
  if (interval !== undefined) {
    if (!/^\d+$/.test(interval) || Number(interval) < 1) return fail('INTERVAL', `INTERVAL=${interval} must be a positive integer`);
    rule.interval = Number(interval);
  }
  const count = parts.get('COUNT');
  const until = parts.get('UNTIL');
  if (count !== undefined && until !== undefined) return fail('UNTIL', 'COUNT and UNTIL cannot both be given (RFC 5545)');
  if (count !== undefined) {
    if (!/^\d+$/.test(count) || Number(count) < 1) return fail('COUNT', `COUNT=${count} must be a positive integer`);
    rule.count = Number(count);
  }
  if (until !== undefined) {
    const u = parseDateTime(until, 'UNTIL');
    if (!u.ok) return u;
    const wall = u.value.dateOnly ? { ...u.value.wall, hour: 23, minute: 59, second: 59 } : u.value.wall;
    rule.until = u.value.utc ? { kind: 'utc', ms: wallMs(wall) } : { kind: 'local', wall };
  }
  const wkst = parts.get('WKST');
  if (wkst !== undefined) {
    const i = WEEKDAYS.indexOf(wkst);
    if (i < 0) return fail('WKST', `WKST=${wkst} is not a weekday (MO, TU, WE, TH, FR, SA, SU)`);
    rule.weekStart = i;
  }
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined) {
    const days: ByDay[] = [];
    for (const item of byDay.split(',')) {
      const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
      if (!m) return fail('BYDAY', `BYDAY "${byDay}": "${item}" is not a weekday (MO..SU, with an ordinal like 1SA or -1SU for MONTHLY)`);
      const weekday = WEEKDAYS.indexOf(m[2]);
      if (m[1] !== undefined) {
        const ordinal = Number(m[1]);
        if (freq !== 'MONTHLY') return fail('BYDAY', `BYDAY "${item}": an ordinal weekday is only supported with FREQ=MONTHLY`);
        if (ordinal === 0 || Math.abs(ordinal) > 5) return fail('BYDAY', `BYDAY "${item}": the ordinal must be 1..5 or -5..-1`);
        days.push({ weekday, ordinal });
      } else days.push({ weekday });
    }
    rule.byDay = days;
  }
  const byMonthDay = parts.get('BYMONTHDAY');
  if (byMonthDay !== undefined) {
    if (freq === 'WEEKLY') return fail('BYMONTHDAY', 'BYMONTHDAY cannot be used with FREQ=WEEKLY (RFC 5545)');
    const r = parseIntList(byMonthDay, 'BYMONTHDAY', 1, 31, true);
    if (!r.ok) return r;
    rule.byMonthDay = r.value;
  }
  const byHour = parts.get('BYHOUR');
  if (byHour !== undefined) {
    const r = parseIntList(byHour, 'BYHOUR', 0, 23, false);
    if (!r.ok) return r;
    rule.byHour = r.value;
  }
  const byMinute = parts.get('BYMINUTE');
  if (byMinute !== undefined) {
    const r = parseIntList(byMinute, 'BYMINUTE', 0, 59, false);
    if (!r.ok) return r;
    rule.byMinute = r.value;
  }
  return { ok: true, value: rule };
}

function monthDayMatches(day: number, dim: number, byMonthDay: number[]): boolean {
  return byMonthDay.some((v) => (v > 0 ? v === day : dim + 1 + v === day));
}

function monthlyDays(rule: RRule, year: number, month: number): number[] {
  const dim = daysInMonth(year, month);
  const first = dayNumber(year, month, 1);
  let days: number[] | undefined;
  if (rule.byMonthDay) {
    days = rule.byMonthDay.map((v) => (v > 0 ? v : dim + 1 + v)).filter((d) => d >= 1 && d <= dim);
  }
  if (rule.byDay) {
    const set = new Set<number>();
    for (const bd of rule.byDay) {
      const all: number[] = [];
      for (let d = 1; d <= dim; d++) if (weekdayOf(first + d - 1) === bd.weekday) all.push(d);
      if (bd.ordinal === undefined) all.forEach((d) => set.add(d));
      else {
        const pick = bd.ordinal > 0 ? all[bd.ordinal - 1] : all[all.length + bd.ordinal];
        if (pick !== undefined) set.add(pick);
      }
    }
    days = days ? days.filter((d) => set.has(d)) : [...set];
  }
  if (!days) days = rule.dtstart.day <= dim ? [rule.dtstart.day] : [];
  return [...new Set(days)].sort((a, b) => a - b).map((d) => first + d - 1);
}

/** The effective zone of a rule used in a window declared in `timeZone`. */
export function ruleZone(rule: RRule, timeZone: string): string {
  return rule.dtstartZone ?? timeZone;
}

/**
 * Occurrence start instants of the rule in ascending order, from `fromMs` (inclusive) up to `limitMs`
 * (inclusive). COUNT is counted from DTSTART, so a rule with COUNT is always expanded from its start.
 */
export function* rruleOccurrences(rule: RRule, timeZone: string, fromMs: number, limitMs: number): Generator<number> {
  const zone = ruleZone(rule, timeZone);
  const start = rule.dtstart;
  const startWall = wallMs(start);
  const untilMs = rule.until === undefined ? undefined : rule.until.kind === 'utc' ? rule.until.ms : fromLocal(rule.until.wall, zone);
  const day0 = dayNumber(start.year, start.month, start.day);
  const weekStart0 = day0 - ((weekdayOf(day0) - rule.weekStart + 7) % 7);
  const month0 = start.year * 12 + (start.month - 1);
  const hours = rule.byHour ?? [start.hour];
  const minutes = rule.byMinute ?? [start.minute];
  const limitDay = Math.floor(limitMs / DAY_MS) + 2;

  let k = 0;
  if (rule.count === undefined) {
    const fromDay = Math.floor(fromMs / DAY_MS) - 2;
    if (rule.freq === 'DAILY') k = Math.floor((fromDay - day0) / rule.interval);
    else if (rule.freq === 'WEEKLY') k = Math.floor((fromDay - weekStart0 - 7) / (7 * rule.interval));
    else {
      const c = civilFromDayNumber(fromDay);
      k = Math.floor((c.year * 12 + c.month - 1 - month0 - 1) / rule.interval);
    }
    k = Math.max(0, k);
  }
  let emitted = 0;
  for (; ; k++) {
    let days: number[];
    let periodFirstDay: number;
    if (rule.freq === 'DAILY') {
      const d = day0 + k * rule.interval;
      periodFirstDay = d;
      const c = civilFromDayNumber(d);
      const okDay = (!rule.byDay || rule.byDay.some((b) => b.weekday === weekdayOf(d))) && (!rule.byMonthDay || monthDayMatches(c.day, daysInMonth(c.year, c.month), rule.byMonthDay));
      days = okDay ? [d] : [];
    } else if (rule.freq === 'WEEKLY') {
      const ws = weekStart0 + 7 * rule.interval * k;
      periodFirstDay = ws;
      const weekdays = rule.byDay ? rule.byDay.map((b) => b.weekday) : [weekdayOf(day0)];
      days = [...new Set(weekdays.map((wd) => ws + ((wd - rule.weekStart + 7) % 7)))].sort((a, b) => a - b);
    } else {
      const idx = month0 + k * rule.interval;
      const year = Math.floor(idx / 12);
      const month = (idx % 12) + 1;
      periodFirstDay = dayNumber(year, month, 1);
      days = monthlyDays(rule, year, month);
    }
    if (periodFirstDay > limitDay) return;
    const instants: number[] = [];
    for (const d of days) {
      const c = civilFromDayNumber(d);
      const convert = dayConverter(c.year, c.month, c.day, zone);
      for (const h of hours) {
        for (const mi of minutes) {
          if (Date.UTC(c.year, c.month - 1, c.day, h, mi, start.second) < startWall) continue;
          instants.push(convert(h, mi, start.second));
        }
      }
    }
    instants.sort((a, b) => a - b);
    let previous: number | undefined;
    for (const t of instants) {
      if (t === previous) continue;
      previous = t;
      if (rule.count !== undefined && emitted >= rule.count) return;
      if (untilMs !== undefined && t > untilMs) return;
      emitted++;
      if (t > limitMs) return;
      if (t >= fromMs) yield t;
    }
  }
}
