/**
 * What every part of a transition works on: the rollout being changed (a copy-on-write draft), the
 * state before the event, the time, and the audit entries the change writes; with the small moves they
 * all share (reading and changing steps, logging, changing the status).
 */
import type { AuditEntry, JsonValue, RolloutRefusal, RolloutState, RolloutStatus, Stage, Step } from '../types';
import { FINAL_STATUSES } from '../types';
import { required } from '../required';

/** Statuses in which the rollout moves forward by itself (or waits to): what pause stops and reconcile advances. */
export const FORWARD_STATUSES: readonly RolloutStatus[] = ['running', 'waiting_window', 'waiting_coverage', 'waiting_approval'];

export type PendingAuditEntry = Omit<AuditEntry, 'version' | 'rolloutId'>;

export interface TransitionContext {
  /** the rollout being changed (a draft: what is not touched stays shared with `before`) */
  rollout: RolloutState;
  /** the rollout before the event, never changed */
  before: RolloutState;
  /** step id -> position; steps never move once the rollout exists */
  stepPositions: Map<string, number>;
  /** positions of the steps drafted so far */
  draftedSteps: Set<number>;
  now: Date;
  /** `now` as the ISO 8601 text every timestamp of the change carries */
  nowText: string;
  audit: PendingAuditEntry[];
}

/**
 * Step positions by id, per rollout. Keyed by the stages array, which is built with the steps and only
 * replaced when a stage changes, so most transitions find their positions here.
 */
const positionsByStages = new WeakMap<readonly Stage[], Map<string, number>>();

function stepPositionsOf(state: RolloutState): Map<string, number> {
  let positions = positionsByStages.get(state.stages);
  if (!positions) {
    positions = new Map(state.steps.map((step, i) => [step.id, i]));
    positionsByStages.set(state.stages, positions);
  }
  return positions;
}

export function contextFor(state: RolloutState, now: Date): TransitionContext {
  return {
    rollout: state,
    before: state,
    stepPositions: stepPositionsOf(state),
    draftedSteps: new Set(),
    now,
    nowText: now.toISOString(),
    audit: [],
  };
}

/**
 * A step to read. Until a step is changed this is the original, not a draft: scanning a thousand steps
 * then costs a thousand property reads, and only the steps that change are copied.
 */
export function readStep(ctx: TransitionContext, position: number): Step {
  return required(ctx.draftedSteps.has(position) ? ctx.rollout.steps[position] : ctx.before.steps[position], 'the step at a position');
}

/** A step to change. */
export function editStep(ctx: TransitionContext, position: number): Step {
  ctx.draftedSteps.add(position);
  return required(ctx.rollout.steps[position], 'the step at a position');
}

export function anyStep(ctx: TransitionContext, test: (step: Step) => boolean): boolean {
  for (let i = 0; i < ctx.before.steps.length; i++) if (test(readStep(ctx, i))) return true;
  return false;
}

/** Positions of the steps of a wave (stage waves never change, so the original's are read). */
export function positionsOf(ctx: TransitionContext, stepIds: readonly string[]): number[] {
  return stepIds.map((id) => ctx.stepPositions.get(id)!);
}

/** What an event came to: applied, ignored as stale or duplicated (with why), or refused. */
export type Outcome = { kind: 'applied' } | { kind: 'ignored'; reason: string } | { kind: 'error'; error: RolloutRefusal };

export const APPLIED: Outcome = { kind: 'applied' };
export const ignored = (reason: string): Outcome => ({ kind: 'ignored', reason });
/** A refusal; `field` names the event's field at fault, when one is. */
export const refused = (code: RolloutRefusal['code'], message: string, field?: string): Outcome => ({
  kind: 'error',
  error: { code, message, ...(field ? { problems: [{ field, reason: message }] } : {}) },
});

export function log(ctx: TransitionContext, action: string, extra: Omit<PendingAuditEntry, 'at' | 'action'> = {}): void {
  ctx.audit.push({ at: ctx.nowText, action, ...extra });
}

export function logStep(ctx: TransitionContext, action: string, step: Step, detail?: { [key: string]: JsonValue }, actor?: string): void {
  log(ctx, action, {
    stepId: step.id,
    namespace: step.namespace,
    tier: step.tier,
    ...(detail ? { detail } : {}),
    ...(actor ? { actor } : {}),
  });
}

export function setStatus(ctx: TransitionContext, status: RolloutStatus, actor?: string, detail?: { [key: string]: JsonValue }): void {
  const rollout = ctx.rollout;
  if (rollout.status === status) return;
  const from = rollout.status;
  rollout.status = status;
  if (rollout.opensAt !== undefined) delete rollout.opensAt; // only a waiting rollout has one, set after this
  if (rollout.coverageWait !== undefined) delete rollout.coverageWait; // likewise
  if (FINAL_STATUSES.includes(status) && !rollout.finishedAt) rollout.finishedAt = ctx.nowText;
  log(ctx, `rollout.status.${status}`, { ...(actor ? { actor } : {}), detail: { from, ...(detail ?? {}) } });
}

export const hasStarted = (step: Step): boolean => step.phase !== 'pending' || step.startedAt !== undefined;
export const hasFinished = (step: Step): boolean => step.phase === 'verified' || step.phase === 'restored';
/** Started, not finished, not already being restored: what abort and rollback must put back. */
export const isInFlight = (step: Step): boolean => hasStarted(step) && !hasFinished(step) && step.phase !== 'restoring';
/** Left out with an approver's consent: it counts as done once its namespace is back as it was. */
export const isSkipped = (step: Step): boolean => step.skip?.approvedAt !== undefined;
/** A skip was asked for and no approver has answered it yet (neither approved nor rejected). */
export const skipUnanswered = (step: Step): boolean => step.skip !== undefined && !step.skip.approvedAt && !step.skip.rejectedAt;
/**
 * Stopped and waiting for a person: failed (and restored, or left applied because restoring would change
 * nothing) or rolled back, and not skipped. What retry, skip and continue act on.
 */
export const isStopped = (step: Step): boolean =>
  !isSkipped(step) && (step.phase === 'restored' || (step.phase === 'probed' && step.haltReason !== undefined));
/** Where its wave is concerned, the step is done: verified, or skipped and back as it was. */
export const isDone = (step: Step): boolean => step.phase === 'verified' || (isSkipped(step) && step.phase === 'restored');
/** Keeps its wave from going on: failed, being restored or restored, and not done. */
export const holdsWave = (step: Step): boolean =>
  !isDone(step) && (step.haltReason !== undefined || step.phase === 'restoring' || step.phase === 'restored');
