/**
 * The machine's side of the observation gate (`../observation-gate`): a wave of a tier that asks for
 * days of observation starts only on a recent measurement that shows them; otherwise the rollout waits
 * in waiting_coverage, asking for a measurement or saying when it measures again. It waits rather than
 * halts: observation grows by itself, as a window opens by itself, and nothing has been changed yet.
 */
import { minObservedDaysFor, observationVerdict } from '../observation-gate';
import type { CoverageWait, ObservedSpan, RolloutEvent, Stage } from '../types';
import {
  APPLIED,
  anyStep,
  hasFinished,
  hasStarted,
  ignored,
  log,
  type Outcome,
  readStep,
  refused,
  setStatus,
  type TransitionContext,
} from './context';

/** Whether the wave's steps not started yet (`notStarted`) may start as far as observation goes; when not, the rollout waits. */
export function observedLongEnough(ctx: TransitionContext, stage: Stage, notStarted: readonly number[]): boolean {
  const rollout = ctx.rollout;
  const minDays = minObservedDaysFor(rollout.config, stage.tier);
  const namespaces = notStarted.map((position) => readStep(ctx, position).namespace);
  const verdict = observationVerdict(rollout.coverage, namespaces, minDays, ctx.now.getTime());
  if (verdict.kind === 'open') return true; // the status the wave moves to drops any coverage wait
  if (anyStep(ctx, (step) => hasStarted(step) && !hasFinished(step))) {
    setStatus(ctx, 'running'); // the steps under way finish first; the gate is asked again after them
    return false;
  }
  const wait: CoverageWait = {
    tier: stage.tier,
    minObservedDays: minDays,
    namespaces,
    short: verdict.kind === 'wait' ? verdict.short : (rollout.coverageWait?.short ?? []),
    measuring: verdict.kind === 'measure',
    ...(verdict.kind === 'wait' ? { recheckAt: new Date(verdict.recheckAt).toISOString() } : {}),
  };
  setStatus(ctx, 'waiting_coverage', undefined, { tier: stage.tier, minObservedDays: minDays });
  // Only a wait that changed is written: a tick that finds the same wait leaves the state as it was.
  if (JSON.stringify(rollout.coverageWait) !== JSON.stringify(wait)) rollout.coverageWait = wait;
  return false;
}

const validInstant = (text: unknown): boolean => typeof text === 'string' && Number.isFinite(Date.parse(text));

/** A measurement of the waiting wave's coverage: kept when it is newer than the last, then the gate is asked again (reconcile). */
export function applyCoverageMeasured(ctx: TransitionContext, event: Extract<RolloutEvent, { type: 'coverageMeasured' }>): Outcome {
  const rollout = ctx.rollout;
  if (!validInstant(event.at)) return refused('invalid_input', 'at must be an ISO 8601 time', 'at');
  const entries = typeof event.observed === 'object' && event.observed !== null ? Object.entries(event.observed) : null;
  const validSpan = (span: ObservedSpan | null) =>
    span === null || (typeof span === 'object' && validInstant(span.since) && validInstant(span.until) && span.since <= span.until);
  if (!entries || !entries.every(([, span]) => validSpan(span)))
    return refused('invalid_input', 'observed must map namespaces to spans ({since, until}, ISO 8601) or null', 'observed');
  if (rollout.status !== 'waiting_coverage') return ignored(`the rollout is ${rollout.status}: no wave waits for its coverage`);
  if (rollout.coverage && Date.parse(rollout.coverage.measuredAt) >= Date.parse(event.at))
    return ignored('a newer measurement is recorded');
  rollout.coverage = { measuredAt: new Date(event.at).toISOString(), observed: Object.fromEntries(entries) };
  log(ctx, 'rollout.coverage.measure', {
    ...(rollout.coverageWait ? { tier: rollout.coverageWait.tier } : {}),
    detail: { namespaces: entries.length, neverObserved: entries.filter(([, span]) => span === null).length },
  });
  return APPLIED;
}
