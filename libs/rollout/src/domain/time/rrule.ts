/**
 * RFC 5545 recurrence for maintenance windows, expanded by `rrule-temporal`:
 *
 *   DTSTART[;TZID=<zone>]:<yyyymmdd>T<hhmmss>[Z]      (required; also DTSTART;VALUE=DATE:<yyyymmdd>)
 *   RRULE:FREQ=YEARLY|MONTHLY|WEEKLY|DAILY[;INTERVAL=n][;COUNT=n|;UNTIL=...][;BYMONTH=...][;BYWEEKNO=...]
 *         [;BYYEARDAY=...][;BYMONTHDAY=...][;BYDAY=...][;BYHOUR=...][;BYMINUTE=...][;BYSETPOS=...][;WKST=MO]
 *   EXDATE[;TZID=<zone>|;VALUE=DATE]:<date or date-time>[,...]   (any number of lines)
 *   RDATE[;TZID=<zone>|;VALUE=DATE]:<date or date-time>[,...]    (any number of lines)
 *
 * This module reads the text and checks every part, so that an error names the part at fault (the
 * library is lenient: it ignores BYHOUR=24 or a part it does not know); the library does the
 * recurrence arithmetic. Refused, naming the part: HOURLY, MINUTELY, SECONDLY and BYSECOND (a window
 * opens on whole minutes; cron covers hourly windows), EXRULE (deprecated by RFC 5545), RSCALE and SKIP,
 * a second RRULE, and PERIOD values.
 *
 * The rule is expanded in wall-clock time of the DTSTART's zone (TZID, UTC for a "Z" time, else the
 * window's zone) and each occurrence placed in the zone as zone.ts says. EXDATE and RDATE are instants
 * (a floating one is read in the rule's zone): the recurrence set is the rule's occurrences and the
 * RDATEs, less the EXDATEs, as RFC 5545 says. An EXDATE that is a date (VALUE=DATE) excludes every
 * occurrence on that local day, so public holidays can be listed as dates; an RDATE that is a date adds
 * an occurrence at DTSTART's time of day.
 */
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { fail, type ParseResult } from './schedule-error';
import { DAY_MS, fromLocal, isValidTimeZone, placeInZone, toLocal, wallLocal, wallMs, type LocalDateTime } from './zone';

export type RRuleFrequency = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY';

export interface ByDay {
  /** 0 = Sunday */
  weekday: number;
  /** MONTHLY and YEARLY only: 1 = first, -1 = last */
  ordinal?: number;
}

/** A DTSTART, UNTIL, EXDATE or RDATE value. */
export interface DateValue {
  wall: LocalDateTime;
  /** TZID, "UTC" for a time ending in Z, absent for a floating time (the rule's zone applies) */
  zone?: string;
  dateOnly: boolean;
}

export interface RRule {
  source: string;
  freq: RRuleFrequency;
  interval: number;
  count?: number;
  until?: DateValue;
  byMonth?: number[];
  byWeekNo?: number[];
  byYearDay?: number[];
  byMonthDay?: number[];
  byDay?: ByDay[];
  byHour?: number[];
  byMinute?: number[];
  bySetPos?: number[];
  /** 0 = Sunday; RFC 5545's default is Monday */
  weekStart: number;
  dtstart: LocalDateTime;
  /** TZID of DTSTART, "UTC" for a time ending in Z, absent for a floating time (the window's zone applies) */
  dtstartZone?: string;
  exDates: DateValue[];
  rDates: DateValue[];
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const FREQUENCIES: readonly RRuleFrequency[] = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY'];

/** The integer-list parts: their range, whether negatives count from the end, and the FREQs they may not be used with (RFC 5545). */
const INTEGER_PARTS = {
  BYMONTH: { min: 1, max: 12, fromEnd: false, notWith: [] },
  BYWEEKNO: { min: 1, max: 53, fromEnd: true, notWith: ['MONTHLY', 'WEEKLY', 'DAILY'] },
  BYYEARDAY: { min: 1, max: 366, fromEnd: true, notWith: ['MONTHLY', 'WEEKLY', 'DAILY'] },
  BYMONTHDAY: { min: 1, max: 31, fromEnd: true, notWith: ['WEEKLY'] },
  BYHOUR: { min: 0, max: 23, fromEnd: false, notWith: [] },
  BYMINUTE: { min: 0, max: 59, fromEnd: false, notWith: [] },
  BYSETPOS: { min: 1, max: 366, fromEnd: true, notWith: [] },
} as const satisfies Record<string, { min: number; max: number; fromEnd: boolean; notWith: readonly RRuleFrequency[] }>;
type IntegerPart = keyof typeof INTEGER_PARTS;
const SUPPORTED_PARTS = ['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'WKST', ...Object.keys(INTEGER_PARTS)];
const DATE_LISTS = { EXDATE: 'exDates', RDATE: 'rDates' } as const;

function parseDateValue(text: string, part: string, zone: string | undefined): ParseResult<DateValue> {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(text);
  if (!m) return fail(part, `RRULE ${part} "${text}" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS[Z])`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', utc] = m;
  const wall = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  try {
    Temporal.PlainDateTime.from(wall, { overflow: 'reject' });
  } catch {
    return fail(part, `RRULE ${part} "${text}" is not a valid calendar date-time`);
  }
  if (utc && zone !== undefined) return fail(part, `${part} cannot have both a TZID and a UTC time (Z)`);
  return {
    ok: true,
    value: { wall, zone: utc ? 'UTC' : zone, dateOnly: m[4] === undefined },
  };
}

/** A property line's parameters (TZID, VALUE) and its values, checked. */
function parseDateProperty(name: string, params: string, values: string): ParseResult<DateValue[]> {
  let zone: string | undefined;
  let valueType = 'DATE-TIME';
  for (const param of params.split(';').filter((p) => p.length > 0)) {
    const [key = '', value] = param.split('=');
    if (key.toUpperCase() === 'TZID' && value) zone = value;
    else if (key.toUpperCase() === 'VALUE' && value) valueType = value.toUpperCase();
    else return fail(name, `${name} parameter "${param}" is not supported (TZID, VALUE)`);
  }
  if (valueType !== 'DATE' && valueType !== 'DATE-TIME') return fail(name, `${name};VALUE=${valueType} is not supported (DATE, DATE-TIME)`);
  if (zone !== undefined && !isValidTimeZone(zone)) return fail(name, `${name} TZID "${zone}" is not an IANA time zone`);
  const out: DateValue[] = [];
  for (const text of values.split(',')) {
    const parsed = parseDateValue(text.trim(), name, zone);
    if (!parsed.ok) return parsed;
    if (valueType === 'DATE' && !parsed.value.dateOnly) return fail(name, `${name};VALUE=DATE must be a date (YYYYMMDD)`);
    out.push(parsed.value);
  }
  return { ok: true, value: out };
}

function parseIntegerList(text: string, part: IntegerPart): ParseResult<number[]> {
  const { min, max, fromEnd } = INTEGER_PARTS[part];
  const out: number[] = [];
  for (const item of text.split(',')) {
    if (!/^[+-]?\d+$/.test(item)) return fail(part, `RRULE ${part} "${text}": "${item}" is not an integer`);
    const n = Number(item);
    const ok = fromEnd ? Math.abs(n) >= min && Math.abs(n) <= max : n >= min && n <= max;
    if (!ok)
      return fail(
        part,
        `RRULE ${part} "${text}": ${item} is out of range ${fromEnd ? `${min}..${max} or -${max}..-${min}` : `${min}..${max}`}`,
      );
    out.push(n);
  }
  return { ok: true, value: [...new Set(out)].sort((a, b) => a - b) };
}

function parseByDay(text: string, freq: RRuleFrequency): ParseResult<ByDay[]> {
  const days: ByDay[] = [];
  for (const item of text.split(',')) {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!m)
      return fail('BYDAY', `BYDAY "${text}": "${item}" is not a weekday (MO..SU, with an ordinal like 1SA or -1SU for MONTHLY and YEARLY)`);
    const weekday = WEEKDAYS.indexOf(m[2]!);
    if (m[1] === undefined) {
      days.push({ weekday });
      continue;
    }
    const ordinal = Number(m[1]);
    if (freq !== 'MONTHLY' && freq !== 'YEARLY')
      return fail('BYDAY', `BYDAY "${item}": an ordinal weekday is only supported with FREQ=MONTHLY or FREQ=YEARLY`);
    const most = freq === 'MONTHLY' ? 5 : 53;
    if (ordinal === 0 || Math.abs(ordinal) > most) return fail('BYDAY', `BYDAY "${item}": the ordinal must be 1..${most} or -${most}..-1`);
    days.push({ weekday, ordinal });
  }
  return { ok: true, value: days };
}

/** Reads the RRULE line's parts into `rule`. */
function parseRuleParts(ruleText: string, rule: RRule): ParseResult<RRule> {
  const parts = new Map<string, string>();
  for (const raw of ruleText.split(';').filter((p) => p.trim().length > 0)) {
    const eq = raw.indexOf('=');
    const name = (eq < 0 ? raw : raw.slice(0, eq)).trim().toUpperCase();
    const value =
      eq < 0
        ? ''
        : raw
            .slice(eq + 1)
            .trim()
            .toUpperCase();
    if (!SUPPORTED_PARTS.includes(name))
      return fail(name, `RRULE part ${name} is not supported (supported: ${SUPPORTED_PARTS.join(', ')})`);
    if (parts.has(name)) return fail(name, `RRULE part ${name} is given twice`);
    if (value.length === 0) return fail(name, `RRULE part ${name} has no value`);
    parts.set(name, value);
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) return fail('FREQ', 'RRULE has no FREQ');
  if (!(FREQUENCIES as readonly string[]).includes(freq)) return fail('FREQ', `FREQ=${freq} is not supported (${FREQUENCIES.join(', ')})`);
  rule.freq = freq as RRuleFrequency;

  for (const name of ['INTERVAL', 'COUNT'] as const) {
    const value = parts.get(name);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value) || Number(value) < 1) return fail(name, `${name}=${value} must be a positive integer`);
    if (name === 'INTERVAL') rule.interval = Number(value);
    else rule.count = Number(value);
  }
  const until = parts.get('UNTIL');
  if (until !== undefined) {
    if (rule.count !== undefined) return fail('UNTIL', 'COUNT and UNTIL cannot both be given (RFC 5545)');
    const parsed = parseDateValue(until, 'UNTIL', undefined);
    if (!parsed.ok) return parsed;
    rule.until = parsed.value;
  }
  const wkst = parts.get('WKST');
  if (wkst !== undefined) {
    if (!WEEKDAYS.includes(wkst)) return fail('WKST', `WKST=${wkst} is not a weekday (MO, TU, WE, TH, FR, SA, SU)`);
    rule.weekStart = WEEKDAYS.indexOf(wkst);
  }
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined) {
    const parsed = parseByDay(byDay, rule.freq);
    if (!parsed.ok) return parsed;
    rule.byDay = parsed.value;
  }
  const fields: Record<IntegerPart, 'byMonth' | 'byWeekNo' | 'byYearDay' | 'byMonthDay' | 'byHour' | 'byMinute' | 'bySetPos'> = {
    BYMONTH: 'byMonth',
    BYWEEKNO: 'byWeekNo',
    BYYEARDAY: 'byYearDay',
    BYMONTHDAY: 'byMonthDay',
    BYHOUR: 'byHour',
    BYMINUTE: 'byMinute',
    BYSETPOS: 'bySetPos',
  };
  for (const part of Object.keys(INTEGER_PARTS) as IntegerPart[]) {
    const value = parts.get(part);
    if (value === undefined) continue;
    if ((INTEGER_PARTS[part].notWith as readonly string[]).includes(rule.freq))
      return fail(part, `${part} cannot be used with FREQ=${rule.freq} (RFC 5545)`);
    const parsed = parseIntegerList(value, part);
    if (!parsed.ok) return parsed;
    rule[fields[part]] = parsed.value;
  }
  if (rule.bySetPos && ![...parts.keys()].some((name) => name.startsWith('BY') && name !== 'BYSETPOS')) {
    return fail('BYSETPOS', 'BYSETPOS needs another BYxxx part to pick from (e.g. BYDAY=TU;BYSETPOS=2)');
  }
  return { ok: true, value: rule };
}

/** A content line `NAME[;PARAM=...]:VALUE` in its parts (the name in upper case), or null when the line is not one. */
function contentLine(line: string): { name: string; params: string; value: string } | null {
  const m = /^([A-Za-z-]+)((?:;[^:;]+)*):(.*)$/.exec(line);
  return m ? { name: m[1]!.toUpperCase(), params: m[2]!, value: m[3]! } : null;
}

/** Parses "DTSTART...\nRRULE:...\nEXDATE:..." (the lines may also be separated by spaces or given in any order). */
export function parseRRule(text: string): ParseResult<RRule> {
  if (typeof text !== 'string' || text.trim().length === 0) return fail('RRULE', 'recurrence rule is empty');
  const lines = text
    .split(/[\r\n]+|\s+(?=(?:DTSTART|RRULE|EXDATE|RDATE|EXRULE)\b|FREQ=)/i)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  let dtstart: DateValue | undefined;
  let ruleText: string | undefined;
  const dates: Pick<RRule, 'exDates' | 'rDates'> = { exDates: [], rDates: [] };
  for (const line of lines) {
    if (/^FREQ=/i.test(line)) {
      if (ruleText !== undefined) return fail('RRULE', 'only one RRULE is supported');
      ruleText = line;
      continue;
    }
    const content = contentLine(line);
    const name = content?.name ?? /^[A-Za-z-]+/.exec(line)?.[0]?.toUpperCase() ?? line;
    if (name === 'RRULE' && content) {
      if (ruleText !== undefined) return fail('RRULE', 'only one RRULE is supported');
      ruleText = content.value;
    } else if (name === 'DTSTART') {
      if (dtstart) return fail('DTSTART', 'DTSTART is given twice');
      if (!content) return fail('DTSTART', `"${line}" is not a DTSTART line (DTSTART[;TZID=Zone/Name]:YYYYMMDDTHHMMSS[Z])`);
      const parsed = parseDateProperty('DTSTART', content.params, content.value);
      if (!parsed.ok) return parsed;
      if (parsed.value.length !== 1) return fail('DTSTART', 'DTSTART takes one date-time');
      dtstart = parsed.value[0];
    } else if ((name === 'EXDATE' || name === 'RDATE') && content) {
      const parsed = parseDateProperty(name, content.params, content.value);
      if (!parsed.ok) return parsed;
      dates[DATE_LISTS[name]].push(...parsed.value);
    } else {
      return fail(name, `${name} is not supported: a window is one DTSTART, one RRULE, and EXDATE or RDATE lines`);
    }
  }
  if (ruleText === undefined) return fail('RRULE', 'no RRULE line (RRULE:FREQ=...)');
  if (!dtstart) return fail('DTSTART', 'a recurrence rule needs a DTSTART (e.g. DTSTART;TZID=Europe/Berlin:20260105T020000)');
  return parseRuleParts(ruleText, {
    source: text.trim(),
    freq: 'DAILY',
    interval: 1,
    weekStart: 1,
    dtstart: dtstart.wall,
    dtstartZone: dtstart.zone,
    ...dates,
  });
}

/** The effective zone of a rule used in a window declared in `timeZone`. */
export function ruleZone(rule: RRule, timeZone: string): string {
  return rule.dtstartZone ?? timeZone;
}

/** The instant of a DTSTART, UNTIL, EXDATE or RDATE value (a date is its local midnight). */
function instantOf(value: DateValue, zone: string): number {
  return fromLocal(value.wall, value.zone ?? zone);
}

const asUtcWall = (wall: LocalDateTime): Temporal.ZonedDateTime =>
  Temporal.Instant.fromEpochMilliseconds(wallMs(wall)).toZonedDateTimeISO('UTC');

/** The rule for rrule-temporal, in wall-clock time (UTC standing for the zone's wall clock). */
function wallRule(rule: RRule, zone: string): RRuleTemporal {
  const until =
    rule.until &&
    (rule.until.dateOnly
      ? { ...rule.until.wall, hour: 23, minute: 59, second: 59 }
      : rule.until.zone
        ? toLocal(instantOf(rule.until, zone), zone)
        : rule.until.wall);
  return new RRuleTemporal({
    freq: rule.freq,
    interval: rule.interval,
    count: rule.count,
    until: until && asUtcWall(until),
    byMonth: rule.byMonth,
    byWeekNo: rule.byWeekNo,
    byYearDay: rule.byYearDay,
    byMonthDay: rule.byMonthDay,
    byDay: rule.byDay?.map((d) => `${d.ordinal ?? ''}${WEEKDAYS[d.weekday]}`),
    byHour: rule.byHour,
    byMinute: rule.byMinute,
    bySetPos: rule.bySetPos,
    wkst: WEEKDAYS[rule.weekStart],
    dtstart: asUtcWall(rule.dtstart),
  });
}

interface Expansion {
  rule: RRuleTemporal;
  /** RDATE instants, ascending */
  added: number[];
  /** EXDATE spans [start, end): one instant for a date-time, the local day for a date */
  excluded: Array<[number, number]>;
}

const expansions = new WeakMap<RRule, Map<string, Expansion>>();

function expansionOf(rule: RRule, zone: string): Expansion {
  let byZone = expansions.get(rule);
  if (!byZone) expansions.set(rule, (byZone = new Map()));
  let expansion = byZone.get(zone);
  if (!expansion) {
    const timeOfDay = { hour: rule.dtstart.hour, minute: rule.dtstart.minute, second: rule.dtstart.second };
    expansion = {
      rule: wallRule(rule, zone),
      added: rule.rDates.map((d) => instantOf(d.dateOnly ? { ...d, wall: { ...d.wall, ...timeOfDay } } : d, zone)).sort((a, b) => a - b),
      excluded: rule.exDates.map((d): [number, number] => {
        const start = instantOf(d, zone);
        return [start, d.dateOnly ? instantOf({ ...d, wall: wallLocal(wallMs(d.wall) + DAY_MS) }, zone) : start + 1];
      }),
    };
    byZone.set(zone, expansion);
  }
  return expansion;
}

/**
 * Occurrence start instants of the rule in ascending order, from `fromMs` (inclusive) up to `limitMs`
 * (inclusive): the rule's and the RDATEs, less the EXDATEs. COUNT is counted from DTSTART.
 */
export function* rruleOccurrences(rule: RRule, timeZone: string, fromMs: number, limitMs: number): Generator<number> {
  const zone = ruleZone(rule, timeZone);
  const { rule: recurrence, added, excluded } = expansionOf(rule, zone);
  const wallOccurrences = (startWall: number, endWall: number) =>
    recurrence.between(new Date(startWall), new Date(endWall), true).map((o) => o.epochMilliseconds);
  const ruled = placeInZone(wallOccurrences, zone, fromMs, limitMs);
  const extra = added.filter((t) => t >= fromMs && t <= limitMs);
  let next = ruled.next();
  let previous: number | undefined;
  while (!next.done || extra.length > 0) {
    const instant = next.done || (extra.length > 0 && extra[0]! < next.value) ? extra.shift()! : next.value;
    if (!next.done && instant === next.value) next = ruled.next();
    if (instant !== previous && !excluded.some(([start, end]) => instant >= start && instant < end)) yield instant;
    previous = instant;
  }
}
