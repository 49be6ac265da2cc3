/**
 * The machine's side of maintenance windows and freezes: a wave starts only while its tier's window is
 * open; otherwise the rollout waits for the next opening (saying when), unless steps are still under
 * way, which may finish outside the window. The time arithmetic is `../time/windows`.
 */
import { windowsFor } from '../commands';
import { nextOpening, windowOpen } from '../time/windows';
import type { Stage } from '../types';
import { anyStep, editStep, hasFinished, hasStarted, logStep, setStatus, type TransitionContext } from './context';

/** Starts the not yet started steps of the stage's current wave if its window is open, else waits for it. */
export function startWaveInWindow(ctx: TransitionContext, stage: Stage, notStarted: readonly number[]): void {
  const rollout = ctx.rollout;
  const { windows, freezes } = windowsFor(rollout.config, stage.tier);
  if (windowOpen(ctx.now, windows, freezes)) {
    for (const position of notStarted) {
      const step = editStep(ctx, position);
      step.startedAt = ctx.nowText;
      logStep(ctx, 'rollout.step.start', step, { wave: step.wave });
    }
    setStatus(ctx, 'running');
    return;
  }
  const busy = anyStep(ctx, (step) => hasStarted(step) && !hasFinished(step));
  if (busy) {
    setStatus(ctx, 'running');
    return;
  }
  const opensAt = nextOpening(ctx.now, windows, freezes)?.toISOString();
  setStatus(ctx, 'waiting_window', undefined, { tier: stage.tier, opensAt: opensAt ?? null });
  if (opensAt !== rollout.opensAt) {
    if (opensAt) rollout.opensAt = opensAt;
    else delete rollout.opensAt;
  }
}
