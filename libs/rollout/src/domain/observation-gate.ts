/**
 * The observation gate: a tier may ask that each of its namespaces has been observed for some days
 * without a gap before its step starts (live traffic that nobody saw cannot be in the plan). The figure
 * is measured outside the domain and comes in as data (`coverageMeasured`); this decides, from the
 * measurement and the clock, whether a wave may start, must wait (and until when), or needs measuring.
 */
import { CLUSTER_STAGE, type CoverageMeasurement, type RolloutConfig, type ShortNamespace, type StageTier } from './types';

const DAY_MS = 86_400_000;
/** A wave starts only on a measurement taken this recently; an older one is taken again first. */
export const COVERAGE_FRESH_MS = 5 * 60_000;
/** A waiting wave's coverage is measured again at least this often: a source may connect, or a gap appear. */
export const COVERAGE_RECHECK_MS = 60 * 60_000;

/** The days of gap-free observation a stage's namespaces need; 0 for none (and for the cluster stage, which is no namespace). */
export function minObservedDaysFor(config: Pick<RolloutConfig, 'minObservedDays'>, stageTier: StageTier): number {
  if (stageTier === CLUSTER_STAGE) return 0;
  return config.minObservedDays?.[stageTier] ?? 0;
}

export type ObservationVerdict =
  | { kind: 'open' }
  /** no measurement of every namespace taken in the last COVERAGE_FRESH_MS */
  | { kind: 'measure' }
  /** measured, and some are short: measure again at `recheckAt` (when the last of them would reach the minimum, or sooner) */
  | { kind: 'wait'; short: ShortNamespace[]; recheckAt: number };

/**
 * Whether `namespaces` may start at `now` under a minimum of `minDays`. A namespace passes when, at the
 * measurement, its latest span without a gap was `minDays` long (the coverage route's observedDays): the
 * measurement decides, the machine never extrapolates it. A span still growing reaches the minimum at
 * its start plus the days; one that stopped (a source down, an old import) is measured again hourly.
 */
export function observationVerdict(
  coverage: CoverageMeasurement | undefined,
  namespaces: readonly string[],
  minDays: number,
  now: number,
): ObservationVerdict {
  if (minDays <= 0) return { kind: 'open' };
  const measuredAt = coverage ? Date.parse(coverage.measuredAt) : Number.NaN;
  if (!coverage || !(now - measuredAt < COVERAGE_FRESH_MS) || namespaces.some((ns) => !Object.hasOwn(coverage.observed, ns)))
    return { kind: 'measure' };
  const needMs = minDays * DAY_MS;
  const short: ShortNamespace[] = [];
  let readyAt = 0;
  for (const namespace of namespaces) {
    const span = coverage.observed[namespace] ?? null;
    const observedMs = span ? Date.parse(span.until) - Date.parse(span.since) : 0;
    if (observedMs >= needMs) continue;
    short.push({ namespace, observedSince: span?.since ?? null, observedDays: Math.floor((observedMs / DAY_MS) * 100) / 100 });
    const reachesAt = span ? Date.parse(span.since) + needMs : Infinity;
    readyAt = Math.max(readyAt, reachesAt > measuredAt ? reachesAt : Infinity);
  }
  if (short.length === 0) return { kind: 'open' };
  const recheckAt = Math.max(measuredAt + COVERAGE_FRESH_MS, Math.min(readyAt, measuredAt + COVERAGE_RECHECK_MS));
  return { kind: 'wait', short, recheckAt };
}
