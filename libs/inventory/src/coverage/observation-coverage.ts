// How well a cluster's traffic has been observed: the spans its live sources and imports saw (a source's
// recorded gaps taken out), the latest span seen without a gap, and per workload when each edge was
// last active and whether it recurs daily or weekly. Pure: the caller reads the rows and the clock.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Span {
  from: Date;
  to: Date;
}

/** What one live source or one import saw: its span, and the gaps inside it it could not observe. */
export interface Observation extends Span {
  gaps: Span[];
}

export type Periodicity = 'daily' | 'weekly';

/** An edge with its per-hour activity (start of each hour it had connections in, epoch ms). */
export interface EdgeActivity {
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  lastSeen: Date | null;
  activeHours: number[];
}

/**
 * The spans observed, as disjoint spans in time order: each observation without its gaps, all of them
 * merged (spans that touch or overlap are one).
 */
export function observedSpans(observations: readonly Observation[]): Span[] {
  const pieces: Array<[number, number]> = [];
  for (const observation of observations) {
    let parts: Array<[number, number]> = [[observation.from.getTime(), observation.to.getTime()]];
    for (const gap of observation.gaps) {
      const [gapFrom, gapTo] = [gap.from.getTime(), gap.to.getTime()];
      parts = parts.flatMap(([from, to]): Array<[number, number]> => {
        if (gapTo <= from || gapFrom >= to) return [[from, to]];
        const kept: Array<[number, number]> = [];
        if (gapFrom > from) kept.push([from, gapFrom]);
        if (gapTo < to) kept.push([gapTo, to]);
        return kept;
      });
    }
    pieces.push(...parts.filter(([from, to]) => to > from));
  }
  pieces.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of pieces) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged.map(([from, to]) => ({ from: new Date(from), to: new Date(to) }));
}

/** The latest span observed without a gap, or null when nothing was observed. */
export function latestUnbrokenSpan(spans: readonly Span[]): Span | null {
  return spans.at(-1) ?? null;
}

export const observedDays = (span: Span | null): number => (span ? (span.to.getTime() - span.from.getTime()) / DAY_MS : 0);

/** A recurrence's period may drift by this much between runs (a job that starts a little late). */
const PERIOD_SLACK_MS = 2 * HOUR_MS;
/** A run of a periodic caller lasts at most this (consecutive active hours). */
const LONGEST_RUN_MS = 3 * HOUR_MS;

/**
 * Whether an edge's activity recurs once a day or once a week: its active hours form short runs (at
 * most three consecutive hours), at least two of them, each a day (or a week) after the one before,
 * give or take two hours. Steady traffic is one long run; occasional traffic comes at no fixed period.
 */
export function periodicityOf(activeHours: readonly number[]): Periodicity | null {
  const hours = [...new Set(activeHours)].sort((a, b) => a - b);
  const runs: Array<{ start: number; end: number }> = [];
  for (const hour of hours) {
    const run = runs.at(-1);
    if (run && hour - run.end <= HOUR_MS) run.end = hour;
    else runs.push({ start: hour, end: hour });
  }
  if (runs.length < 2 || runs.some((r) => r.end - r.start + HOUR_MS > LONGEST_RUN_MS)) return null;
  const intervals = runs.slice(1).map((run, i) => run.start - (runs[i]?.start ?? run.start));
  for (const [period, name] of [
    [DAY_MS, 'daily'],
    [7 * DAY_MS, 'weekly'],
  ] as const) {
    if (intervals.every((interval) => Math.abs(interval - period) <= PERIOD_SLACK_MS)) return name;
  }
  return null;
}

/** A workload's coverage: when it was last seen, and why it is under-observed (null when it is not). */
export function workloadWarning(
  workload: { kind: string; lastSeen: Date | null },
  span: Span | null,
  minObservedDays: number,
): string | null {
  const days = observedDays(span);
  const observed = `${formatDays(days)} of observation`;
  if (!span) return 'never observed: no live source or import has seen this cluster';
  if (!workload.lastSeen || workload.lastSeen < span.from) return `no traffic seen in ${observed}: what it calls rarely is not in the map`;
  if (workload.kind === 'CronJob' && days < minObservedDays)
    return `runs on a schedule and was seen in only ${observed} (less than ${minObservedDays} days): runs that call elsewhere may be missing`;
  return null;
}

export function formatDays(days: number): string {
  if (days < 1) return `${Math.round(days * 24)} hours`;
  return `${Math.round(days * 10) / 10} days`;
}
