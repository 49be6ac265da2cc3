import type { ApprovalEvidence, Probe, Stage } from '../types';
import { positionsOf, readStep, type TransitionContext } from './context';

export function lastAttemptDetail(probe: Probe): string | undefined {
  return probe.attempts[probe.attempts.length - 1]?.detail;
}

/** What an approver sees: the previous tier's steps and probes (none for the rollout's first stage). */
export function evidenceFor(ctx: TransitionContext, previous: Stage | undefined, next: Stage): ApprovalEvidence {
  const rollout = ctx.rollout;
  const steps = previous ? positionsOf(ctx, previous.waves.flat()).map((i) => readStep(ctx, i)) : [];
  return {
    ...(previous ? { previousTier: previous.tier } : {}),
    planId: rollout.planId,
    planVersion: rollout.planVersion,
    ...(next.diffRef !== undefined ? { diffRef: next.diffRef } : {}),
    steps: steps.map((step) => ({
      stepId: step.id,
      namespace: step.namespace,
      phase: step.phase,
      probes: step.probes.map((probe) => {
        const detail = lastAttemptDetail(probe);
        return {
          id: probe.id,
          kind: probe.kind,
          from: probe.from,
          to: probe.to,
          ...(probe.port !== undefined ? { port: probe.port } : {}),
          ...(probe.protocol ? { protocol: probe.protocol } : {}),
          attempts: probe.attempts.length,
          ...(probe.outcome ? { outcome: probe.outcome } : {}),
          ...(detail !== undefined ? { detail } : {}),
        };
      }),
    })),
  };
}
