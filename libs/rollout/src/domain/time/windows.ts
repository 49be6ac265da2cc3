/**
 * Maintenance windows and freezes. A window is a schedule of start times (a cron expression, an RFC 5545
 * RRULE, or a single start) with a duration and an IANA time zone; it is open on [start, start + duration).
 * Freezes are windows that deny: a freeze that is open closes everything, whatever the allow windows say.
 *
 * Durations are elapsed time: a 3 h window that starts at 01:00 on the night clocks go forward ends at
 * 05:00 local. A start that falls in a DST gap moves forward by the gap; a start in an overlap is the
 * first of the two (so a daily 02:30 window in Berlin opens once on the night clocks go back).
 */
import { parseCron, cronWallTimes } from './cron';
import { parseRRule, rruleOccurrences, type RRule } from './rrule';
import { InvalidScheduleError, fail, type ParseResult } from './schedule-error';
import { DAY_MS, isValidTimeZone, MINUTE_MS, placeInZone } from './zone';

export type TimeWindow = CronWindow | RRuleWindow | OnceWindow;

interface WindowBase {
  /** shown in explanations, e.g. "prod weekday nights" */
  name?: string;
  durationMinutes: number;
  /** IANA zone, e.g. Europe/Berlin. The schedule's local times are read in it. */
  timeZone: string;
}

export interface CronWindow extends WindowBase {
  kind: 'cron';
  /** 5-field cron expression, e.g. "0 2 * * MON-FRI" */
  expression: string;
}

export interface RRuleWindow extends WindowBase {
  kind: 'rrule';
  /** "DTSTART;TZID=Europe/Berlin:20260105T020000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" */
  rule: string;
}

/** A single window, typically a freeze ("no changes over the year-end holidays"). */
export interface OnceWindow extends WindowBase {
  kind: 'once';
  /** ISO 8601 instant with a zone designator, e.g. 2026-12-20T00:00:00+01:00 */
  start: string;
}

/** The default horizon of `nextOpening`: a window that does not open within it is treated as never opening. */
export const DEFAULT_HORIZON_DAYS = 400;

export interface CompiledWindow {
  window: TimeWindow;
  durationMs: number;
  /** Ascending start instants in [fromMs, limitMs]. */
  starts(fromMs: number, limitMs: number): Iterable<number>;
}

/** Checks and compiles a window; the error names the part at fault. */
export function compileWindow(window: TimeWindow): ParseResult<CompiledWindow> {
  if (!window || typeof window !== 'object') return fail('window', 'a window must be an object');
  if (!Number.isFinite(window.durationMinutes) || window.durationMinutes < 1) {
    return fail('durationMinutes', `window duration must be at least 1 minute (got ${String(window.durationMinutes)})`);
  }
  if (!isValidTimeZone(window.timeZone))
    return fail('timeZone', `"${String(window.timeZone)}" is not an IANA time zone (e.g. Europe/Berlin)`);
  const durationMs = Math.round(window.durationMinutes * MINUTE_MS);
  switch (window.kind) {
    case 'cron': {
      const parsed = parseCron(window.expression);
      if (!parsed.ok) return parsed;
      const cron = parsed.value;
      const starts = (from: number, limit: number) =>
        placeInZone((startWall, endWall) => cronWallTimes(cron, startWall, endWall), window.timeZone, from, limit);
      return { ok: true, value: { window, durationMs, starts } };
    }
    case 'rrule': {
      const parsed = parseRRule(window.rule);
      if (!parsed.ok) return parsed;
      const rule: RRule = parsed.value;
      if (rule.dtstartZone !== undefined && rule.dtstartZone !== 'UTC' && rule.dtstartZone !== window.timeZone) {
        return fail('DTSTART', `DTSTART TZID ${rule.dtstartZone} differs from the window's time zone ${window.timeZone}`);
      }
      return { ok: true, value: { window, durationMs, starts: (from, limit) => rruleOccurrences(rule, window.timeZone, from, limit) } };
    }
    case 'once': {
      const at = typeof window.start === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(window.start) ? Date.parse(window.start) : NaN;
      if (!Number.isFinite(at)) return fail('start', `"${String(window.start)}" is not an ISO 8601 instant with a zone designator`);
      return { ok: true, value: { window, durationMs, starts: (from, limit) => (at >= from && at <= limit ? [at] : []) } };
    }
    default:
      return fail('kind', `window kind "${String((window as { kind?: unknown }).kind)}" is not cron, rrule or once`);
  }
}

const cache = new Map<string, CompiledWindow>();

function compiled(window: TimeWindow): CompiledWindow {
  const key = JSON.stringify(window);
  const hit = cache.get(key);
  if (hit) return hit;
  // Compiled from a copy: the cache outlives the caller's object (which may be a draft of a transition).
  const r = compileWindow(JSON.parse(key) as TimeWindow);
  if (!r.ok) throw new InvalidScheduleError(r.error.part, r.error.message);
  if (cache.size > 500) cache.clear();
  cache.set(key, r.value);
  return r.value;
}

/** The end of the latest occurrence of `w` that contains `t`, or undefined when `w` is closed at `t`. */
function openUntil(w: CompiledWindow, t: number): number | undefined {
  let latest: number | undefined;
  for (const s of w.starts(t - w.durationMs + 1, t)) latest = s;
  return latest === undefined ? undefined : latest + w.durationMs;
}

/**
 * The first start in [from, limit], looked for a week ahead first, then in spans four times longer: a
 * short span seldom holds a change of UTC offset, and then times are placed without a zone lookup each.
 */
function firstStart(w: CompiledWindow, from: number, limit: number): number | undefined {
  for (let start = from, span = 7 * DAY_MS; start <= limit; start += span + 1, span *= 4) {
    for (const s of w.starts(start, Math.min(start + span, limit))) return s;
  }
  return undefined;
}

/**
 * Whether changes may start at `now`: some allow window is open (or none is configured: no windows
 * means no restriction) and no freeze is open.
 */
export function windowOpen(now: Date, windows: readonly TimeWindow[], freezes: readonly TimeWindow[] = []): boolean {
  const t = now.getTime();
  if (freezes.some((f) => openUntil(compiled(f), t) !== undefined)) return false;
  return windows.length === 0 || windows.some((w) => openUntil(compiled(w), t) !== undefined);
}

/**
 * The first instant at or after `now` at which `windowOpen` is true, or null when there is none within
 * the horizon (a rule that has run out of occurrences, or a freeze that covers every window).
 */
export function nextOpening(
  now: Date,
  windows: readonly TimeWindow[],
  freezes: readonly TimeWindow[] = [],
  horizonDays = DEFAULT_HORIZON_DAYS,
): Date | null {
  const at = openingFrom(now.getTime(), windows.map(compiled), freezes.map(compiled), now.getTime() + horizonDays * DAY_MS);
  return at === undefined ? null : new Date(at);
}

/** The first instant in [t, limit] at which some allow window (or none configured) is open and no freeze is. */
function openingFrom(t: number, allow: readonly CompiledWindow[], deny: readonly CompiledWindow[], limit: number): number | undefined {
  while (t <= limit) {
    const frozenUntil = deny.map((f) => openUntil(f, t)).filter((e): e is number => e !== undefined);
    if (frozenUntil.length > 0) {
      t = Math.max(...frozenUntil);
      continue;
    }
    if (allow.length === 0 || allow.some((w) => openUntil(w, t) !== undefined)) return t;
    const next = allow.map((w) => firstStart(w, t, limit)).filter((s): s is number => s !== undefined);
    if (next.length === 0) return undefined;
    t = Math.max(t + 1, Math.min(...next));
  }
  return undefined;
}

/** How far an opening is followed: one that stays open longer is answered without an end. */
export const LONGEST_OPENING_DAYS = 31;

/**
 * The end of the chain of allow occurrences open at `t` (occurrences that overlap or touch extend it), or
 * undefined when it is still open `LONGEST_OPENING_DAYS` later. Starts are read a day at a time and merged
 * in one pass: a window every minute chains for long, and one lookup per occurrence would cost a zone
 * placement each.
 */
function chainEnd(t: number, allow: readonly CompiledWindow[], limit: number): number | undefined {
  const until = Math.min(limit, t + LONGEST_OPENING_DAYS * DAY_MS);
  let end = Math.max(t, ...allow.map((w) => openUntil(w, t) ?? t));
  for (let from = t + 1; from <= end;) {
    if (from > until) return undefined;
    const to = Math.min(end + DAY_MS, until);
    const spans = allow.flatMap((w) => Array.from(w.starts(from, to), (s) => [s, s + w.durationMs] as const)).sort((a, b) => a[0] - b[0]);
    for (const [s, e] of spans) {
      if (s > end) return end;
      end = Math.max(end, e);
    }
    from = to + 1;
  }
  return end;
}

/**
 * When a span open at `start` closes: when no allow window is open any more (windows that overlap or
 * follow each other without a gap make one span), or earlier if a freeze starts first. Undefined when
 * nothing closes it within `limit` (no windows configured and no freeze to come), or, with windows, within
 * `LONGEST_OPENING_DAYS`.
 */
function closingAfter(start: number, allow: readonly CompiledWindow[], deny: readonly CompiledWindow[], limit: number): number | undefined {
  const allowEnd = allow.length > 0 ? chainEnd(start, allow, limit) : undefined;
  // Without windows, a freeze may close it anywhere in the horizon; with windows, only as far as they were followed.
  const followedUntil = allowEnd ?? (allow.length > 0 ? Math.min(limit, start + LONGEST_OPENING_DAYS * DAY_MS) : limit);
  const freezeStarts = deny.map((f) => firstStart(f, start + 1, followedUntil)).filter((s): s is number => s !== undefined);
  const ends = allowEnd === undefined ? freezeStarts : [...freezeStarts, allowEnd];
  return ends.length === 0 ? undefined : Math.min(...ends);
}

/** A span in which changes may start; `end` is null when nothing closes it within the horizon (or, with windows, `LONGEST_OPENING_DAYS`). */
export interface Opening {
  start: Date;
  end: Date | null;
}

/**
 * The next `count` openings at or after `now`: spans in which `windowOpen` holds, each from the instant it
 * becomes true to the instant it stops. Fewer when the schedule runs out within the horizon, or when one
 * never closes (no windows configured: open from `now` until a freeze, if any).
 */
export function nextOpenings(
  now: Date,
  windows: readonly TimeWindow[],
  freezes: readonly TimeWindow[] = [],
  count = 3,
  horizonDays = DEFAULT_HORIZON_DAYS,
): Opening[] {
  const allow = windows.map(compiled);
  const deny = freezes.map(compiled);
  const limit = now.getTime() + horizonDays * DAY_MS;
  const openings: Opening[] = [];
  let t = now.getTime();
  while (openings.length < count) {
    const start = openingFrom(t, allow, deny, limit);
    if (start === undefined) break;
    const end = closingAfter(start, allow, deny, limit);
    openings.push({ start: new Date(start), end: end === undefined ? null : new Date(end) });
    if (end === undefined) break;
    t = end;
  }
  return openings;
}

/**
 * When the allow window open at `now` closes (the latest end among the open ones), or null when none is
 * open or none is configured. Useful for explanations ("window closes at 05:00"); steps that have started
 * are allowed to finish after it.
 */
export function windowClosesAt(now: Date, windows: readonly TimeWindow[]): Date | null {
  const ends = windows.map((w) => openUntil(compiled(w), now.getTime())).filter((e): e is number => e !== undefined);
  return ends.length === 0 ? null : new Date(Math.max(...ends));
}
