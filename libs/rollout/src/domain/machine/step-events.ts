/**
 * The results of commands, one step at a time: a snapshot taken or not, policies applied or not, a probe
 * attempt, a restore done or failed. A result that does not fit the step's phase is stale or a duplicate
 * and changes nothing.
 */
import type { RolloutEvent } from '../types';
import { APPLIED, editStep, ignored, logStep, refused, type Outcome, type TransitionContext } from './context';
import { failStep, haltRollout, startRestore } from './halts';

export type StepEvent = Extract<RolloutEvent, { stepId: string }>;

export function applyStepEvent(ctx: TransitionContext, event: StepEvent): Outcome {
  const position = ctx.stepPositions.get(event.stepId);
  if (position === undefined) return refused('unknown_step', `rollout ${ctx.rollout.id} has no step ${event.stepId}`);
  const step = editStep(ctx, position);
  const config = ctx.rollout.config;
  const stale = (): Outcome => ignored(`${event.type} for step ${step.id} in phase ${step.phase}: stale or duplicate`);
  switch (event.type) {
    case 'snapshotTaken':
      if (step.phase !== 'pending' || !step.startedAt) return stale();
      step.snapshot = { takenAt: ctx.nowText, policies: JSON.parse(JSON.stringify(event.policies)) };
      step.phase = 'snapshotted';
      logStep(ctx, 'rollout.step.snapshot', step, { policies: event.policies.length });
      return APPLIED;
    case 'snapshotFailed':
      if (step.phase !== 'pending' || !step.startedAt) return stale();
      step.haltReason = {
        code: 'snapshot_failed',
        message: `could not read the policies of ${step.namespace}: ${event.error}; nothing was applied`,
        at: ctx.nowText,
        stepId: step.id,
        namespace: step.namespace,
        tier: step.tier,
      };
      startRestore(ctx, step, 'snapshot_failed');
      haltRollout(ctx, step.haltReason);
      return APPLIED;
    case 'applied':
      if (step.phase !== 'snapshotted') return stale();
      step.phase = 'applied';
      step.appliedAt = ctx.nowText;
      step.settleUntil = new Date(ctx.now.getTime() + config.settleMs).toISOString();
      logStep(ctx, 'rollout.step.apply', step, { settleUntil: step.settleUntil });
      return APPLIED;
    case 'applyFailed':
      if (step.phase !== 'snapshotted') return stale();
      failStep(
        ctx,
        step,
        {
          code: 'apply_failed',
          message: `applying the plan to ${step.namespace} failed: ${event.error}; restoring its snapshot`,
          at: ctx.nowText,
          stepId: step.id,
          namespace: step.namespace,
          tier: step.tier,
        },
        'apply_failed',
      );
      return APPLIED;
    case 'probeResult': {
      const probe = step.probes.find((p) => p.id === event.probeId);
      if (!probe) return refused('unknown_probe', `step ${step.id} has no probe ${event.probeId}`);
      if (step.phase !== 'settled') return stale();
      if ((event.round ?? 0) !== (step.round ?? 0))
        return ignored(`probe ${probe.id} ran for round ${event.round ?? 0} of step ${step.id}, which is on round ${step.round ?? 0}`);
      if (probe.outcome !== undefined) return ignored(`probe ${probe.id} already has its outcome (${probe.outcome})`);
      if (event.attempt !== probe.attempts.length + 1)
        return ignored(`probe ${probe.id}: attempt ${event.attempt} is not the one awaited (${probe.attempts.length + 1})`);
      if (event.observed !== 'reached' && event.observed !== 'not_reached' && event.observed !== 'error')
        return refused('invalid_input', `observed must be reached, not_reached or error`);
      probe.attempts.push({
        attempt: event.attempt,
        observed: event.observed,
        at: ctx.nowText,
        ...(event.detail !== undefined ? { detail: event.detail } : {}),
        ...(event.blockedCall ? { blockedCall: { ...event.blockedCall } } : {}),
      });
      delete probe.nextAttemptAt;
      const mustBeBlocked = probe.expectation === 'blocked';
      if (event.observed === 'reached') probe.outcome = mustBeBlocked ? 'not_enforced' : 'passed';
      else if (event.observed === 'not_reached' && mustBeBlocked) probe.outcome = 'passed';
      else if (probe.attempts.length > config.probe.retries) probe.outcome = 'failed';
      else probe.nextAttemptAt = new Date(ctx.now.getTime() + config.probe.retryDelayMs).toISOString();
      logStep(ctx, 'rollout.step.probe', step, {
        probeId: probe.id,
        attempt: event.attempt,
        observed: event.observed,
        ...(event.detail !== undefined ? { detail: event.detail } : {}),
        ...(probe.outcome ? { outcome: probe.outcome } : { retryAt: probe.nextAttemptAt ?? null }),
      });
      return APPLIED;
    }
    case 'restored':
      if (step.phase !== 'restoring' || !step.restore || event.attempt > step.restore.attempt) return stale();
      step.phase = 'restored';
      step.restoredAt = ctx.nowText;
      logStep(ctx, 'rollout.step.restore', step, { attempt: event.attempt, cause: step.restore.cause });
      return APPLIED;
    case 'restoreFailed':
      if (step.phase !== 'restoring' || !step.restore || event.attempt !== step.restore.attempt) return stale();
      step.restore.attempt += 1;
      step.restore.lastError = event.error;
      step.restore.retryAt = new Date(ctx.now.getTime() + config.restoreRetryMs).toISOString();
      logStep(ctx, 'rollout.step.restore_fail', step, { attempt: event.attempt, error: event.error, retryAt: step.restore.retryAt });
      return APPLIED;
  }
}
