/**
 * What follows from the state and the time alone, after every event: a scheduled start that is due,
 * settle times that ran out, probes that are all in (verifying or failing the step), a rollback whose
 * restores are done, and the stages and waves that can move on.
 */
import type { Probe, Step } from '../types';
import { lastAttemptDetail } from './approval-evidence';
import { anyStep, editStep, FORWARD_STATUSES, logStep, readStep, setStatus, type TransitionContext } from './context';
import { failStep } from './halts';
import { advanceStages } from './stages';

export function reconcile(ctx: TransitionContext): void {
  const rollout = ctx.rollout;
  if (rollout.status === 'scheduled' && rollout.scheduledAt && Date.parse(rollout.scheduledAt) <= ctx.now.getTime()) {
    rollout.startedAt = ctx.nowText;
    setStatus(ctx, 'running', undefined, { scheduledAt: rollout.scheduledAt });
  }
  for (let i = 0; i < ctx.before.steps.length; i++) if (mayProgress(readStep(ctx, i))) progressStep(ctx, editStep(ctx, i));
  if (rollout.status === 'rolling_back' && !anyStep(ctx, (step) => step.phase === 'restoring')) {
    const landing = rollout.landing ?? 'halted';
    delete rollout.landing;
    setStatus(ctx, landing, undefined, { rollbackFinished: true });
  }
  if (FORWARD_STATUSES.includes(rollout.status)) advanceStages(ctx);
}

/** Whether `progressStep` may move the step (it moves only these phases). */
const mayProgress = (step: Step): boolean =>
  step.phase === 'applied' || step.phase === 'settled' || (step.phase === 'probed' && !step.haltReason);

/** applied -> settled once the settle time is over -> probed once every probe has its outcome -> verified or failed. */
function progressStep(ctx: TransitionContext, step: Step): void {
  if (step.phase === 'applied' && step.settleUntil && Date.parse(step.settleUntil) <= ctx.now.getTime()) {
    step.phase = 'settled';
    step.settledAt = ctx.nowText;
    logStep(ctx, 'rollout.step.settle', step);
  }
  if (step.phase === 'settled' && step.probes.every((probe) => probe.outcome !== undefined)) {
    step.phase = 'probed';
    step.probedAt = ctx.nowText;
    logStep(ctx, 'rollout.step.probed', step, {
      passed: step.probes.filter((probe) => probe.outcome === 'passed').length,
      total: step.probes.length,
    });
  }
  if (step.phase === 'probed' && !step.haltReason) judgeProbes(ctx, step);
}

function describeProbe(probe: Probe): string {
  const port = probe.port !== undefined ? `:${probe.port}${probe.protocol ? `/${probe.protocol}` : ''}` : '';
  return `${probe.kind} ${probe.from} -> ${probe.to}${port}`;
}

/**
 * A probed step: verified when every probe passed; a failed probe restores it and halts; a must-be-blocked
 * probe that connected halts without restoring (restoring would change nothing).
 */
function judgeProbes(ctx: TransitionContext, step: Step): void {
  const failed = step.probes.filter((probe) => probe.outcome === 'failed');
  const unenforced = step.probes.filter((probe) => probe.outcome === 'not_enforced');
  const where = { at: ctx.nowText, stepId: step.id, namespace: step.namespace, tier: step.tier };
  const [firstFailed] = failed;
  const [firstUnenforced] = unenforced;
  if (firstFailed) {
    const detail = lastAttemptDetail(firstFailed);
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
    const message = `probe ${firstFailed.id} (${describeProbe(firstFailed)}) failed after ${firstFailed.attempts.length} attempt(s)${detail ? `: ${detail}` : ''}${more}; ${step.namespace} is restored to its snapshot`;
    failStep(ctx, step, { code: 'probe_failed', message, ...where, probeId: firstFailed.id }, 'probe_failed');
  } else if (firstUnenforced) {
    const message = `policies not enforced: must-be-blocked probe ${firstUnenforced.id} (${firstUnenforced.from} -> ${firstUnenforced.to}${firstUnenforced.port !== undefined ? `:${firstUnenforced.port}` : ''}) connected, so the CNI is not enforcing NetworkPolicy (Flannel does not). Restoring would change nothing: roll back or abort once you have decided.`;
    failStep(ctx, step, { code: 'policies_not_enforced', message, ...where, probeId: firstUnenforced.id });
  } else {
    step.phase = 'verified';
    step.verifiedAt = ctx.nowText;
    logStep(ctx, 'rollout.step.verify', step);
  }
}
