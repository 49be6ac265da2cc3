/**
 * A 5-field cron parser: minute hour day-of-month month day-of-week, with lists (1,3), ranges (1-5),
 * steps (*\/15, 0-30/10, 5/10), month names (JAN..DEC), day names (SUN..SAT, 0 or 7 is Sunday) and the
 * macros @yearly @annually @monthly @weekly @daily @midnight @hourly. As in Vixie cron, when both the
 * day-of-month and the day-of-week are restricted, a day matches if either matches.
 */
import { fail, type ParseResult } from './schedule-error';
import { weekdayOf, dayNumber } from './zone';

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
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface FieldSpec {
  name: CronField;
  min: number;
  max: number;
  names?: string[];
  /** the first name's value (months are 1-based, days 0-based) */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function parseValue(text: string, spec: FieldSpec, whole: string): ParseResult<number> {
  const upper = text.toUpperCase();
  if (spec.names) {
    const i = spec.names.indexOf(upper);
    if (i >= 0) return { ok: true, value: i + (spec.nameBase ?? 0) };
  }
  if (!/^\d+$/.test(text)) {
    const hint = spec.names ? ` (a number ${spec.min}-${spec.max} or a name ${spec.names[0]}..${spec.names[spec.names.length - 1]})` : ` (a number ${spec.min}-${spec.max})`;
    return fail(spec.name, `cron ${spec.name} field "${whole}": "${text}" is not a valid value${hint}`);
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) return fail(spec.name, `cron ${spec.name} field "${whole}": ${n} is out of range ${spec.min}-${spec.max}`);
  return { ok: true, value: n };
}

function parseField(text: string, spec: FieldSpec): ParseResult<{ values: number[]; restricted: boolean }> {
  const values = new Set<number>();
  // As in Vixie cron: a field that starts with "*" counts as unrestricted for the day-of-month/day-of-week rule.
  const restricted = !text.startsWith('*');
  if (text.length === 0) return fail(spec.name, `cron ${spec.name} field is empty`);
  for (const item of text.split(',')) {
    if (item.length === 0) return fail(spec.name, `cron ${spec.name} field "${text}": empty list item`);
    const [rangeText, stepText, ...extra] = item.split('/');
    if (extra.length > 0) return fail(spec.name, `cron ${spec.name} field "${text}": "${item}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) return fail(spec.name, `cron ${spec.name} field "${text}": step "${stepText}" must be a positive integer`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (rangeText === '*') {
      lo = spec.min;
      hi = spec.name === 'day-of-week' ? 6 : spec.max;
    } else if (rangeText.includes('-')) {
      const [a, b, ...more] = rangeText.split('-');
      if (more.length > 0 || a === '' || b === '') return fail(spec.name, `cron ${spec.name} field "${text}": "${rangeText}" is not a range`);
      const pa = parseValue(a, spec, text);
      if (!pa.ok) return pa;
      const pb = parseValue(b, spec, text);
      if (!pb.ok) return pb;
      lo = pa.value;
      hi = pb.value;
      if (lo > hi) return fail(spec.name, `cron ${spec.name} field "${text}": range ${a}-${b} runs backwards`);
    } else {
      const pv = parseValue(rangeText, spec, text);
      if (!pv.ok) return pv;
      lo = pv.value;
      // "5/10" means from 5 to the end in steps of 10
      hi = stepText === undefined ? lo : spec.name === 'day-of-week' ? 6 : spec.max;
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.name === 'day-of-week' && v === 7 ? 0 : v);
  }
  return { ok: true, value: { values: [...values].sort((x, y) => x - y), restricted } };
}

export function parseCron(expression: string): ParseResult<Cron> {
  if (typeof expression !== 'string') return fail('expression', 'cron expression must be a string');
  const trimmed = expression.trim();
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (!macro) return fail('expression', `cron macro "${trimmed}" is not supported (${Object.keys(MACROS).join(', ')})`);
    const parsed = parseCron(macro);
    return parsed.ok ? { ok: true, value: { ...parsed.value, source: trimmed } } : parsed;
  }
  const texts = trimmed.split(/\s+/).filter((t) => t.length > 0);
  if (texts.length !== 5) {
    return fail('expression', `cron expression "${trimmed}" has ${texts.length} fields; expected 5 (minute hour day-of-month month day-of-week)`);
  }
  const out: Array<{ values: number[]; restricted: boolean }> = [];
  for (let i = 0; i < 5; i++) {
    const r = parseField(texts[i], FIELDS[i]);
    if (!r.ok) return r;
    out.push(r.value);
  }
  const [minute, hour, dom, month, dow] = out;
  return {
    ok: true,
    value: {
      source: trimmed,
      minutes: minute.values,
      hours: hour.values,
      daysOfMonth: dom.values,
      months: month.values,
      daysOfWeek: dow.values,
      dayOfMonthRestricted: dom.restricted,
      dayOfWeekRestricted: dow.restricted,
    },
  };
}

/** Whether the cron fires on a local calendar date (the time-of-day fields aside). */
export function cronMatchesDate(cron: Cron, year: number, month: number, day: number): boolean {
  if (!cron.months.includes(month)) return false;
  const domOk = cron.daysOfMonth.includes(day);
  const dowOk = cron.daysOfWeek.includes(weekdayOf(dayNumber(year, month, day)));
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return domOk || dowOk;
  return domOk && dowOk;
}
