/**
 * What people do about a halt besides rolling back or aborting: go on with a newer plan version, run a
 * stopped namespace's step again, or leave it out (asked for with a reason, agreed to or rejected by
 * another approver).
 * Each is refused where it does not apply, and a request that was already carried out changes nothing.
 * The checks are shared with `nextActionsOf`, so what the view offers is what these accept.
 */
import { windowsFor } from '../commands';
import { expectationOf } from '../create';
import { windowOpen } from '../time/windows';
import type { HaltReason, Probe, ProbeSpec, RolloutEvent, RolloutState, Step, StepSkip } from '../types';
import {
  APPLIED,
  editStep,
  hasFinished,
  hasStarted,
  ignored,
  isSkipped,
  isStopped,
  log,
  logStep,
  readStep,
  refused,
  setStatus,
  type Outcome,
  type TransitionContext,
} from './context';
import { startRestore } from './halts';
import { APPROVER_ROLES } from './operator-events';

export type HaltActionEvent = Extract<RolloutEvent, { type: 'continueWith' | 'retryStep' | 'requestSkip' | 'approveSkip' | 'rejectSkip' }>;

type EventOf<T extends HaltActionEvent['type']> = Extract<HaltActionEvent, { type: T }>;

export function applyHaltAction(ctx: TransitionContext, event: HaltActionEvent): Outcome {
  switch (event.type) {
    case 'continueWith':
      return continueWith(ctx, event);
    case 'retryStep':
      return retryStep(ctx, event);
    case 'requestSkip':
      return requestSkip(ctx, event);
    case 'approveSkip':
      return approveSkip(ctx, event);
    case 'rejectSkip':
      return rejectSkip(ctx, event);
  }
}

// ---------------------------------------------------------------- checks, shared with nextActionsOf

/** Why a rollout takes no halt action now (they are for a halted rollout whose stages were not rejected), or undefined. */
export function haltActionRefusal(state: RolloutState): string | undefined {
  if (state.status !== 'halted') return `the rollout is ${state.status}: only a halted rollout can be continued, retried or skipped in`;
  const rejected = state.stages.find((stage) => stage.status === 'rejected');
  if (rejected) return `the ${rejected.tier} stage was rejected: roll back or abort`;
  return undefined;
}

/** A stopped step is run again from its snapshot when its namespace holds the plan's policies (verified, or left applied). */
const runsFromSnapshot = (step: Step): boolean => step.snapshot !== undefined && (step.phase === 'verified' || step.phase === 'probed');

/** Why these steps cannot be run again now (a step re-applied at once needs its tier's window open), or undefined. */
export function restepRefusal(state: RolloutState, steps: readonly Step[], now: Date): string | undefined {
  for (const step of steps) {
    if (!runsFromSnapshot(step)) continue;
    const { windows, freezes } = windowsFor(state.config, step.tier);
    if (!windowOpen(now, windows, freezes))
      return `the ${step.tier} window is closed (or frozen), and ${step.namespace} would be applied at once: try again when it opens`;
  }
  return undefined;
}

/** A step started and not finished that is not waiting for a person: continuing waits for it. */
export const underWay = (state: RolloutState): Step | undefined =>
  state.steps.find((step) => hasStarted(step) && !hasFinished(step) && !isStopped(step));

/** The steps a continuation runs again: the stopped ones, and the verified ones whose policies change. */
export const restepsOf = (state: RolloutState, changed: ReadonlySet<string>): Step[] =>
  state.steps.filter((step) => isStopped(step) || (step.phase === 'verified' && changed.has(step.namespace)));

// ---------------------------------------------------------------- the events

function stepNamed(ctx: TransitionContext, namespace: string): { position: number; step: Step } | undefined {
  for (let position = 0; position < ctx.before.steps.length; position++) {
    const step = readStep(ctx, position);
    if (step.namespace === namespace) return { position, step };
  }
  return undefined;
}

const noSuchNamespace = (ctx: TransitionContext, namespace: string): Outcome =>
  refused('invalid_input', `namespace ${namespace} is not part of rollout ${ctx.rollout.id}`, 'namespace');

function probesFrom(specs: readonly ProbeSpec[]): Probe[] {
  return specs.map(({ id, kind, from, to, port, protocol, reason }) => ({
    id,
    kind,
    from,
    to,
    ...(port !== undefined ? { port } : {}),
    ...(protocol ? { protocol } : {}),
    ...(reason !== undefined ? { reason } : {}),
    expectation: expectationOf(kind),
    attempts: [],
  }));
}

/**
 * Runs a step again, as a new round (its commands get new keys): from its snapshot when the namespace
 * holds the plan's policies, so a failure still puts back what it had before the rollout; else from the
 * start, in its wave (a stage it completed opens again for it).
 */
function restep(ctx: TransitionContext, position: number, cause: 'retry' | 'continue', by: string, specs?: readonly ProbeSpec[]): void {
  const old = readStep(ctx, position);
  const fromSnapshot = runsFromSnapshot(old);
  const step: Step = {
    id: old.id,
    round: (old.round ?? 0) + 1,
    restep: { cause, by, at: ctx.nowText },
    namespace: old.namespace,
    tier: old.tier,
    wave: old.wave,
    dependents: old.dependents,
    phase: fromSnapshot ? 'snapshotted' : 'pending',
    ...(fromSnapshot && old.snapshot ? { startedAt: ctx.nowText, snapshot: old.snapshot } : {}),
    probes: probesFrom(specs ?? old.probes),
  };
  ctx.rollout.steps[position] = step;
  ctx.draftedSteps.add(position);
  logStep(ctx, 'rollout.step.restep', step, { cause, round: step.round ?? 1, from: fromSnapshot ? 'snapshot' : 'start' }, by);
  if (fromSnapshot) return;
  const stage = ctx.rollout.stages.find((candidate) => candidate.waves.some((wave) => wave.includes(step.id)));
  if (stage?.status === 'completed') {
    stage.status = 'running';
    delete stage.completedAt;
    log(ctx, 'rollout.stage.reopen', { tier: stage.tier, detail: { namespace: step.namespace } });
  }
}

/** After a retry or a skip: the rollout goes on once no step holds it; else its halt names one that still does. */
function resumeIfClear(ctx: TransitionContext, by: string): void {
  const rollout = ctx.rollout;
  const holding: Step[] = [];
  for (let i = 0; i < ctx.before.steps.length; i++) {
    const step = readStep(ctx, i);
    if (isStopped(step) || (step.phase === 'restoring' && !isSkipped(step))) holding.push(step);
  }
  if (holding.length === 0) {
    delete rollout.halt;
    setStatus(ctx, 'running', by, { resumed: true });
    return;
  }
  const haltStep = rollout.halt?.stepId;
  const next: HaltReason | undefined = holding.find((step) => step.haltReason)?.haltReason;
  if (next && haltStep !== undefined && !holding.some((step) => step.id === haltStep)) rollout.halt = next;
}

function continueWith(ctx: TransitionContext, event: EventOf<'continueWith'>): Outcome {
  const rollout = ctx.rollout;
  const last = rollout.continuations?.[rollout.continuations.length - 1];
  if (event.planVersion === rollout.planVersion && last?.to.planVersion === event.planVersion)
    return ignored(`rollout ${rollout.id} already goes on with plan v${event.planVersion}`);
  const refusal = haltActionRefusal(rollout);
  if (refusal) return refused('illegal_state', refusal);
  if (!Number.isInteger(event.planVersion) || event.planVersion <= rollout.planVersion)
    return refused(
      'illegal_state',
      `plan v${event.planVersion} is not newer than v${rollout.planVersion}, which the rollout runs`,
      'planVersion',
    );
  const busy = underWay(rollout);
  if (busy) return refused('illegal_state', `${busy.namespace} is still ${busy.phase}: continue once it has finished`);
  const reruns = restepsOf(rollout, new Set(event.changed));
  const closed = restepRefusal(rollout, reruns, ctx.now);
  if (closed) return refused('illegal_state', closed);
  const rerun = new Set(reruns.map((step) => step.id));
  for (let position = 0; position < ctx.before.steps.length; position++) {
    const step = readStep(ctx, position);
    const specs = event.probes[step.namespace];
    if (rerun.has(step.id)) restep(ctx, position, 'continue', event.by, specs);
    else if (step.phase === 'pending' && !step.startedAt && specs) {
      ctx.rollout.steps[position] = { ...step, probes: probesFrom(specs) };
      ctx.draftedSteps.add(position);
    }
  }
  const from = { planId: rollout.planId, planVersion: rollout.planVersion };
  const to = { planId: event.planId, planVersion: event.planVersion };
  const restepped = reruns.map((step) => step.namespace).sort();
  (rollout.continuations ??= []).push({ by: event.by, at: ctx.nowText, from, to, restepped });
  rollout.planId = event.planId;
  rollout.planVersion = event.planVersion;
  log(ctx, 'rollout.continue', {
    actor: event.by,
    detail: {
      fromPlanVersion: from.planVersion,
      toPlanVersion: to.planVersion,
      fromPlanId: from.planId,
      toPlanId: to.planId,
      restepped,
      keptVerified: rollout.steps.filter((step) => step.phase === 'verified').length,
    },
  });
  delete rollout.halt;
  setStatus(ctx, 'running', event.by, { planVersion: event.planVersion });
  return APPLIED;
}

function retryStep(ctx: TransitionContext, event: EventOf<'retryStep'>): Outcome {
  const found = stepNamed(ctx, event.namespace);
  if (!found) return noSuchNamespace(ctx, event.namespace);
  const { position, step } = found;
  if (!isStopped(step) && step.restep?.cause === 'retry' && !step.haltReason)
    return ignored(`${step.namespace} is already being stepped again (round ${step.round ?? 0})`);
  const refusal = haltActionRefusal(ctx.rollout);
  if (refusal) return refused('illegal_state', refusal);
  if (!isStopped(step))
    return refused('illegal_state', `${step.namespace} is ${step.phase}: only a stopped namespace (failed or rolled back) can be retried`);
  const closed = restepRefusal(ctx.rollout, [step], ctx.now);
  if (closed) return refused('illegal_state', closed);
  restep(ctx, position, 'retry', event.by);
  resumeIfClear(ctx, event.by);
  return APPLIED;
}

function requestSkip(ctx: TransitionContext, event: EventOf<'requestSkip'>): Outcome {
  const found = stepNamed(ctx, event.namespace);
  if (!found) return noSuchNamespace(ctx, event.namespace);
  const { position, step } = found;
  // a rejected skip may be asked for again (with another reason, say); an open or approved one may not
  if (step.skip && !step.skip.rejectedAt) return ignored(`a skip of ${step.namespace} was already asked for by ${step.skip.requestedBy}`);
  const refusal = haltActionRefusal(ctx.rollout);
  if (refusal) return refused('illegal_state', refusal);
  if (!isStopped(step))
    return refused('illegal_state', `${step.namespace} is ${step.phase}: only a stopped namespace (failed or rolled back) can be skipped`);
  if (typeof event.reason !== 'string' || event.reason.trim().length === 0)
    return refused('invalid_input', 'say why the namespace is left out', 'reason');
  const editable = editStep(ctx, position);
  editable.skip = { reason: event.reason.trim(), requestedBy: event.by, requesterId: event.actorId, requestedAt: ctx.nowText };
  logStep(ctx, 'rollout.step.skip_requested', editable, { reason: editable.skip.reason }, event.by);
  return APPLIED;
}

type SkipAnswer = EventOf<'approveSkip' | 'rejectSkip'>;

/**
 * The step whose skip `event` answers, or why it may not answer it. Who may answer is checked before
 * whether it was already answered: the requester, or someone who is no approver, is refused every time.
 */
function skipToAnswer(ctx: TransitionContext, event: SkipAnswer): { position: number; step: Step; skip: StepSkip } | Outcome {
  const verb = event.type === 'approveSkip' ? 'approve' : 'reject';
  const found = stepNamed(ctx, event.namespace);
  if (!found) return noSuchNamespace(ctx, event.namespace);
  const { position, step } = found;
  if (!step.skip) return refused('illegal_state', `nobody asked to skip ${step.namespace}`);
  if (!APPROVER_ROLES.includes(event.role))
    return refused('forbidden', `${event.by} has role ${event.role}; only ${APPROVER_ROLES.join(' or ')} may ${verb} a skip`);
  if (event.actorId === step.skip.requesterId)
    return refused('forbidden', `${event.by} asked for this skip and cannot ${verb} it: another approver must`);
  return { position, step, skip: step.skip };
}

const isOutcome = (value: object): value is Outcome => 'kind' in value;

function approveSkip(ctx: TransitionContext, event: EventOf<'approveSkip'>): Outcome {
  const found = skipToAnswer(ctx, event);
  if (isOutcome(found)) return found;
  const { position, step } = found;
  if (found.skip.approvedAt)
    return ignored(`the skip of ${step.namespace} was already approved by ${found.skip.approvedBy ?? 'an approver'}`);
  if (found.skip.rejectedAt)
    return refused('illegal_state', `${found.skip.rejectedBy ?? 'an approver'} rejected the skip of ${step.namespace}: ask for it again`);
  const refusal = haltActionRefusal(ctx.rollout);
  if (refusal) return refused('illegal_state', refusal);
  const editable = editStep(ctx, position);
  const skip = {
    ...found.skip,
    approvedBy: event.by,
    approvedAt: ctx.nowText,
    ...(event.comment !== undefined ? { comment: event.comment } : {}),
  };
  editable.skip = skip;
  const reason = `skipped: ${skip.reason} (asked for by ${skip.requestedBy}, approved by ${event.by})`;
  (ctx.rollout.excluded ??= []).push({ namespace: editable.namespace, reason });
  logStep(
    ctx,
    'rollout.step.skip',
    editable,
    { reason: skip.reason, requestedBy: skip.requestedBy, ...(event.comment !== undefined ? { comment: event.comment } : {}) },
    event.by,
  );
  if (editable.phase === 'probed') startRestore(ctx, editable, 'skip', event.by);
  resumeIfClear(ctx, event.by);
  return APPLIED;
}

/** An approver refuses a skip, saying why: the namespace stays stopped and the rollout halted, and a skip can be asked for again. */
function rejectSkip(ctx: TransitionContext, event: EventOf<'rejectSkip'>): Outcome {
  const found = skipToAnswer(ctx, event);
  if (isOutcome(found)) return found;
  const { position, step, skip } = found;
  if (skip.rejectedAt) return ignored(`the skip of ${step.namespace} was already rejected by ${skip.rejectedBy ?? 'an approver'}`);
  if (skip.approvedAt)
    return refused('illegal_state', `${skip.approvedBy ?? 'an approver'} already approved the skip of ${step.namespace}: it is left out`);
  const refusal = haltActionRefusal(ctx.rollout);
  if (refusal) return refused('illegal_state', refusal);
  const comment = typeof event.comment === 'string' ? event.comment.trim() : '';
  if (comment.length === 0) return refused('invalid_input', 'say why the skip is rejected', 'comment');
  const editable = editStep(ctx, position);
  editable.skip = { ...skip, rejectedBy: event.by, rejectedAt: ctx.nowText, comment };
  logStep(ctx, 'rollout.step.skip_rejected', editable, { reason: skip.reason, requestedBy: skip.requestedBy, comment }, event.by);
  return APPLIED;
}
