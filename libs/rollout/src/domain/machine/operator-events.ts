/**
 * What people do to a rollout: schedule, start, pause, resume, abort, roll back, approve or reject a
 * stage. Each checks the rollout may take it (else a typed refusal naming why) and records who did it.
 */
import type { JsonValue, RollbackScope, RolloutEvent, Step } from '../types';
import { FINAL_STATUSES } from '../types';
import { evidenceFor } from './approval-evidence';
import {
  anyStep,
  APPLIED,
  editStep,
  FORWARD_STATUSES,
  isInFlight,
  log,
  readStep,
  refused,
  setStatus,
  type Outcome,
  type TransitionContext,
} from './context';
import { haltRollout, startRestore } from './halts';

/** Roles that may approve or reject a stage (the creator of the rollout never may approve it). */
export const APPROVER_ROLES: readonly string[] = ['approver', 'admin'];

export type OperatorEvent = Extract<
  RolloutEvent,
  { type: 'schedule' | 'start' | 'pause' | 'resume' | 'abort' | 'rollback' | 'approve' | 'reject' }
>;

type EventOf<T extends OperatorEvent['type']> = Extract<OperatorEvent, { type: T }>;

export function applyOperatorEvent(ctx: TransitionContext, event: OperatorEvent): Outcome {
  switch (event.type) {
    case 'schedule':
      return schedule(ctx, event);
    case 'start':
      return start(ctx, event);
    case 'pause':
      return pause(ctx, event);
    case 'resume':
      return resume(ctx, event);
    case 'abort':
      return abort(ctx, event);
    case 'rollback':
      return rollback(ctx, event);
    case 'approve':
    case 'reject':
      return decideApproval(ctx, event);
  }
}

function schedule(ctx: TransitionContext, event: EventOf<'schedule'>): Outcome {
  const rollout = ctx.rollout;
  if (rollout.status !== 'draft' && rollout.status !== 'scheduled')
    return refused('illegal_state', `a ${rollout.status} rollout cannot be scheduled (only draft or scheduled)`);
  const at = Date.parse(event.at);
  if (!Number.isFinite(at)) return refused('illegal_state', `"${event.at}" is not an ISO 8601 time`);
  rollout.scheduledAt = new Date(at).toISOString();
  log(ctx, 'rollout.schedule', { actor: event.by, detail: { at: rollout.scheduledAt } });
  setStatus(ctx, 'scheduled', event.by);
  return APPLIED;
}

function start(ctx: TransitionContext, event: EventOf<'start'>): Outcome {
  const rollout = ctx.rollout;
  if (rollout.status !== 'draft' && rollout.status !== 'scheduled')
    return refused('illegal_state', `a ${rollout.status} rollout cannot be started (only draft or scheduled)`);
  delete rollout.scheduledAt;
  rollout.startedAt = ctx.nowText;
  setStatus(ctx, 'running', event.by);
  return APPLIED;
}

function pause(ctx: TransitionContext, event: EventOf<'pause'>): Outcome {
  const rollout = ctx.rollout;
  if (rollout.status !== 'scheduled' && !FORWARD_STATUSES.includes(rollout.status))
    return refused('illegal_state', `a ${rollout.status} rollout cannot be paused`);
  rollout.pausedBy = event.by;
  setStatus(ctx, 'paused', event.by, event.reason ? { reason: event.reason } : undefined);
  return APPLIED;
}

function resume(ctx: TransitionContext, event: EventOf<'resume'>): Outcome {
  const rollout = ctx.rollout;
  if (rollout.status !== 'paused') return refused('illegal_state', `a ${rollout.status} rollout cannot be resumed (only a paused one)`);
  delete rollout.pausedBy;
  setStatus(ctx, rollout.startedAt ? 'running' : rollout.scheduledAt ? 'scheduled' : 'draft', event.by);
  return APPLIED;
}

/** Stops the rollout for good, putting back the namespaces under way (and with `everything`, the verified ones too). */
function abort(ctx: TransitionContext, event: EventOf<'abort'>): Outcome {
  const rollout = ctx.rollout;
  if (FINAL_STATUSES.includes(rollout.status)) return refused('illegal_state', `a ${rollout.status} rollout cannot be aborted`);
  const restore = event.restore ?? 'in_flight';
  const putBack = (step: Step) => isInFlight(step) || (restore === 'everything' && step.phase === 'verified');
  const positionsToRestore: number[] = [];
  const leftEnforced: string[] = [];
  for (let i = 0; i < ctx.before.steps.length; i++) {
    const step = readStep(ctx, i);
    if (putBack(step)) positionsToRestore.push(i);
    else if (step.phase === 'verified') leftEnforced.push(step.namespace);
  }
  leftEnforced.sort();
  rollout.rollbacks.push({
    kind: 'abort',
    by: event.by,
    at: ctx.nowText,
    restore,
    leftEnforced,
    ...(event.reason ? { reason: event.reason } : {}),
  });
  log(ctx, 'rollout.abort', { actor: event.by, detail: { restore, leftEnforced, ...(event.reason ? { reason: event.reason } : {}) } });
  for (const i of positionsToRestore) startRestore(ctx, editStep(ctx, i), 'abort', event.by);
  if (anyStep(ctx, (step) => step.phase === 'restoring')) {
    rollout.landing = 'aborted';
    setStatus(ctx, 'rolling_back', event.by);
  } else setStatus(ctx, 'aborted', event.by);
  return APPLIED;
}

function inScope(step: Step, scope: RollbackScope): boolean {
  return scope.kind === 'all' || (scope.kind === 'namespace' ? step.namespace === scope.namespace : step.tier === scope.tier);
}

function describeScope(scope: RollbackScope): string {
  return scope.kind === 'namespace' ? `namespace ${scope.namespace}` : scope.kind === 'stage' ? `the ${scope.tier} stage` : 'everything';
}

/** Puts back what a scope of the rollout applied, then lands where the rollout was headed (see `landing`). */
function rollback(ctx: TransitionContext, event: EventOf<'rollback'>): Outcome {
  const rollout = ctx.rollout;
  if (rollout.status === 'draft' || rollout.status === 'scheduled')
    return refused('illegal_state', `nothing of a ${rollout.status} rollout has been applied: abort it instead`);
  const scope = event.scope;
  if (scope.kind === 'namespace' && !anyStep(ctx, (step) => step.namespace === scope.namespace))
    return refused('invalid_input', `namespace ${scope.namespace} is not part of rollout ${rollout.id}`, 'scope.namespace');
  if (scope.kind === 'stage' && !rollout.stages.some((stage) => stage.tier === scope.tier))
    return refused('invalid_input', `rollout ${rollout.id} has no ${scope.tier} stage`, 'scope.tier');
  if (scope.kind !== 'namespace' && scope.kind !== 'stage' && scope.kind !== 'all')
    return refused('invalid_input', 'rollback scope must be namespace, stage or all', 'scope.kind');
  rollout.rollbacks.push({ kind: 'rollback', scope, by: event.by, at: ctx.nowText, ...(event.reason ? { reason: event.reason } : {}) });
  log(ctx, 'rollout.rollback', {
    actor: event.by,
    detail: { scope: scope as unknown as JsonValue, ...(event.reason ? { reason: event.reason } : {}) },
  });
  for (let i = 0; i < ctx.before.steps.length; i++) {
    const step = readStep(ctx, i);
    if (inScope(step, scope) && (step.phase === 'verified' || isInFlight(step))) startRestore(ctx, editStep(ctx, i), 'rollback', event.by);
  }
  const finalStatus = FINAL_STATUSES.includes(rollout.status) ? rollout.status : undefined;
  if (rollout.status === 'rolling_back') {
    if (scope.kind === 'all' && rollout.landing !== 'aborted') rollout.landing = 'rolled_back';
  } else {
    rollout.landing =
      scope.kind === 'all' ? 'rolled_back' : ((finalStatus as 'completed' | 'aborted' | 'rolled_back' | undefined) ?? 'halted');
  }
  if (rollout.landing === 'halted' && !rollout.halt) {
    rollout.halt = { code: 'rolled_back', message: `${event.by} rolled back ${describeScope(scope)}`, at: ctx.nowText, by: event.by };
  }
  if (rollout.landing === 'rolled_back' || rollout.landing === 'aborted') delete rollout.finishedAt;
  setStatus(ctx, 'rolling_back', event.by);
  return APPLIED;
}

/** An approver's verdict on a stage waiting for one: approve starts it, reject halts the rollout. */
function decideApproval(ctx: TransitionContext, event: EventOf<'approve' | 'reject'>): Outcome {
  const rollout = ctx.rollout;
  const stage = rollout.stages.find((candidate) => candidate.tier === event.tier);
  if (!stage) return refused('invalid_input', `rollout ${rollout.id} has no ${event.tier} stage`, 'tier');
  if (stage.status !== 'waiting_approval' || (rollout.status !== 'waiting_approval' && rollout.status !== 'paused')) {
    return refused(
      'illegal_state',
      `the ${event.tier} stage is not waiting for approval (stage ${stage.status}, rollout ${rollout.status})`,
    );
  }
  if (!APPROVER_ROLES.includes(event.role))
    return refused('forbidden', `${event.by} has role ${event.role}; only ${APPROVER_ROLES.join(' or ')} may ${event.type} a stage`);
  if (event.type === 'approve' && event.actorId === rollout.creatorId) {
    return refused(
      'forbidden',
      `${event.by} is the person who created this rollout (${rollout.createdBy}) and cannot approve it: another approver must`,
    );
  }
  const decision = {
    approved: event.type === 'approve',
    by: event.by,
    role: event.role,
    at: ctx.nowText,
    ...(event.comment !== undefined ? { comment: event.comment } : {}),
  };
  stage.approval = {
    ...(stage.approval ?? {
      requestedAt: ctx.nowText,
      evidence: evidenceFor(ctx, rollout.stages[rollout.stages.indexOf(stage) - 1], stage),
    }),
    decision,
  };
  log(ctx, event.type === 'approve' ? 'rollout.stage.approve' : 'rollout.stage.reject', {
    actor: event.by,
    tier: stage.tier,
    ...(event.comment !== undefined ? { detail: { comment: event.comment } } : {}),
  });
  if (event.type === 'approve') {
    stage.status = 'running';
    stage.startedAt = ctx.nowText;
    log(ctx, 'rollout.stage.start', { tier: stage.tier });
    if (rollout.status === 'waiting_approval') setStatus(ctx, 'running', event.by);
  } else {
    stage.status = 'rejected';
    haltRollout(ctx, {
      code: 'approval_rejected',
      message: `${event.by} rejected the ${stage.tier} stage${event.comment ? `: ${event.comment}` : ''}`,
      at: ctx.nowText,
      tier: stage.tier,
      by: event.by,
    });
  }
  return APPLIED;
}
