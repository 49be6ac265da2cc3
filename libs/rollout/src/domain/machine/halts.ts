/** Stopping: a step put back to its snapshot, a rollout halted, and a step's failure that does both. */
import type { HaltReason, RestoreCause, Step } from '../types';
import { FORWARD_STATUSES, hasFinished, logStep, setStatus, type TransitionContext } from './context';

/** Puts a step on its way back to its snapshot (or straight to restored when nothing was applied yet). */
export function startRestore(ctx: TransitionContext, step: Step, cause: RestoreCause, by?: string): void {
  if (step.phase === 'pending') {
    if (!step.startedAt) return;
    step.phase = 'restored';
    step.restoredAt = ctx.nowText;
    step.restoredWithoutChange = true;
    logStep(ctx, 'rollout.step.restore', step, { cause, withoutChange: true }, by);
    return;
  }
  if (hasFinished(step) && step.phase === 'restored') return;
  if (step.phase === 'restoring') return;
  step.phase = 'restoring';
  step.restore = { cause, requestedAt: ctx.nowText, attempt: 1, ...(by ? { by } : {}) };
  logStep(ctx, 'rollout.step.restoring', step, { cause }, by);
}

/** Halts the rollout for `reason` (the first reason stays the rollout's). */
export function haltRollout(ctx: TransitionContext, reason: HaltReason): void {
  const rollout = ctx.rollout;
  if (!rollout.halt) rollout.halt = reason;
  if (FORWARD_STATUSES.includes(rollout.status) || rollout.status === 'paused')
    setStatus(ctx, 'halted', reason.by, { code: reason.code, message: reason.message });
}

/** A step failed: it keeps the reason, is put back when `restoreCause` says so, and the rollout halts. */
export function failStep(ctx: TransitionContext, step: Step, reason: HaltReason, restoreCause?: RestoreCause): void {
  step.haltReason = reason;
  if (restoreCause) startRestore(ctx, step, restoreCause);
  haltRollout(ctx, reason);
}
