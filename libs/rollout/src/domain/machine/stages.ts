/**
 * Moving through the stages: the first stage not completed asks for its approval, or starts, or runs
 * its first wave not done; a stage whose waves are all done (verified, or skipped) completes, and the rollout
 * completes after its last stage.
 */
import type { Stage } from '../types';
import { required } from '../required';
import { evidenceFor } from './approval-evidence';
import { hasStarted, holdsWave, isDone, log, positionsOf, readStep, setStatus, type TransitionContext } from './context';
import { observedLongEnough } from './observation';
import { startWaveInWindow } from './windows';

export function advanceStages(ctx: TransitionContext): void {
  const rollout = ctx.rollout;
  for (let guard = 0; guard <= rollout.stages.length; guard++) {
    const index = rollout.stages.findIndex((stage) => stage.status !== 'completed');
    const stage = rollout.stages[index];
    if (!stage) {
      setStatus(ctx, 'completed');
      return;
    }
    if (stage.status === 'rejected') return;
    if (stage.status === 'pending') openStage(ctx, stage, rollout.stages[index - 1]);
    if (stage.status === 'waiting_approval') {
      setStatus(ctx, 'waiting_approval');
      return;
    }
    // running: find the first wave not done (verified, or skipped)
    const { waves } = required(ctx.before.stages[index], 'the stage before the event');
    const wave = waves.map((ids) => positionsOf(ctx, ids)).find((positions) => positions.some((i) => !isDone(readStep(ctx, i))));
    if (!wave) {
      stage.status = 'completed';
      stage.completedAt = ctx.nowText;
      log(ctx, 'rollout.stage.complete', { tier: stage.tier });
      continue;
    }
    if (wave.some((i) => holdsWave(readStep(ctx, i)))) return; // the halt is on its way, or a skipped namespace is being put back
    const notStarted = wave.filter((i) => !hasStarted(readStep(ctx, i)));
    if (notStarted.length > 0) {
      if (observedLongEnough(ctx, stage, notStarted)) startWaveInWindow(ctx, stage, notStarted);
    } else setStatus(ctx, 'running');
    return;
  }
}

/** A pending stage asks for its approval (with the previous stage's results as evidence) or starts. */
function openStage(ctx: TransitionContext, stage: Stage, previous: Stage | undefined): void {
  if (stage.approvalRequired) {
    stage.status = 'waiting_approval';
    stage.approval = { requestedAt: ctx.nowText, evidence: evidenceFor(ctx, previous, stage) };
    log(ctx, 'rollout.stage.request_approval', {
      tier: stage.tier,
      detail: { ...(previous ? { previousTier: previous.tier } : {}), ...(stage.diffRef !== undefined ? { diffRef: stage.diffRef } : {}) },
    });
  } else {
    stage.status = 'running';
    stage.startedAt = ctx.nowText;
    log(ctx, 'rollout.stage.start', { tier: stage.tier });
  }
}
