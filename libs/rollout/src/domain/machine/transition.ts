/**
 * The entry points: `transition(state, event, now)` folds one event into the state and then reconciles:
 * settle times that ran out, probes that are all in, waves to start, stages to gate, restores that
 * finished. It returns the next state, every outstanding command and the audit entries of the change. It
 * never throws for a bad event: illegal ones are typed errors, stale or duplicated ones are answered with
 * `ignored` and change nothing.
 */
import { Immer } from 'immer';
import { outstandingCommands } from '../commands';
import { buildRollout } from '../create';
import type { AuditEntry, Decision, RolloutRefusal, RolloutEvent, RolloutState, TransitionResult } from '../types';
import { APPLIED, contextFor, log, refused, type Outcome, type PendingAuditEntry, type TransitionContext } from './context';
import { applyHaltAction } from './halt-actions';
import { applyCoverageMeasured } from './observation';
import { applyOperatorEvent } from './operator-events';
import { reconcile } from './reconcile';
import { applyStepEvent } from './step-events';

/**
 * Copy-on-write for transitions. States are not frozen (freezing walks every step on every change):
 * nothing may change a state in place, here or in whoever holds one.
 */
const { produce } = new Immer({ autoFreeze: false });

function applyEvent(ctx: TransitionContext, event: RolloutEvent): Outcome {
  switch (event.type) {
    case 'create':
      return refused('already_exists', `rollout ${ctx.rollout.id} already exists`);
    case 'tick':
      return APPLIED;
    case 'coverageMeasured':
      return applyCoverageMeasured(ctx, event);
    case 'snapshotTaken':
    case 'snapshotFailed':
    case 'applied':
    case 'applyFailed':
    case 'probeResult':
    case 'restored':
    case 'restoreFailed':
      return applyStepEvent(ctx, event);
    case 'schedule':
    case 'start':
    case 'pause':
    case 'resume':
    case 'abort':
    case 'rollback':
    case 'approve':
    case 'reject':
      return applyOperatorEvent(ctx, event);
    case 'continueWith':
    case 'retryStep':
    case 'requestSkip':
    case 'approveSkip':
    case 'rejectSkip':
      return applyHaltAction(ctx, event);
    default: {
      const unknown: { type?: unknown } = event;
      return refused('invalid_input', `unknown event type ${String(unknown.type)}`);
    }
  }
}

/**
 * Decides whether anything changed by identity: `produce` keeps every untouched object as it was, so the
 * next state shares its unchanged steps with the previous one (which lets the store write only what
 * moved) and nothing is copied or compared in full.
 */
function toDecision(
  before: RolloutState,
  after: RolloutState,
  audit: readonly PendingAuditEntry[],
  now: Date,
  ignoredReason?: string,
): Decision {
  const changed = after !== before;
  const state = changed ? { ...after, version: before.version + 1, updatedAt: now.toISOString() } : before;
  const entries: AuditEntry[] = changed ? audit.map((entry) => ({ ...entry, rolloutId: state.id, version: state.version })) : [];
  return {
    ok: true,
    state,
    commands: outstandingCommands(state, now),
    audit: entries,
    changed,
    ...(ignoredReason && !changed ? { ignored: ignoredReason } : {}),
  };
}

const invalidNow = (now: Date): TransitionResult | undefined =>
  now instanceof Date && Number.isFinite(now.getTime())
    ? undefined
    : { ok: false, error: { code: 'invalid_input', message: 'now must be a valid Date' } };

/** Folds one event into an existing state and reconciles, leaving the commands to be decided. */
function foldEvent(
  state: RolloutState,
  event: RolloutEvent,
  now: Date,
): { after: RolloutState; audit: PendingAuditEntry[]; outcome: Outcome } {
  const ctx = contextFor(state, now);
  let outcome: Outcome = APPLIED;
  const after = produce(state, (draft) => {
    ctx.rollout = draft;
    outcome = applyEvent(ctx, event);
    if (outcome.kind !== 'error') reconcile(ctx);
  });
  return { after, audit: ctx.audit, outcome };
}

/** A new rollout from a `create` event, reconciled once (a rollout without approvals may wait for nothing). */
function create(event: RolloutEvent, now: Date): TransitionResult {
  if (event.type !== 'create') return { ok: false, error: { code: 'not_found', message: `no rollout to apply ${event.type} to` } };
  const built = buildRollout(event.input, now);
  if (!built.ok) return built;
  const ctx = contextFor(built.state, now);
  log(ctx, 'rollout.create', {
    actor: event.input.createdBy,
    detail: { planId: event.input.planId, planVersion: event.input.planVersion, namespaces: event.input.namespaces.length },
  });
  reconcile(ctx);
  const state = ctx.rollout;
  return {
    ok: true,
    state,
    commands: outstandingCommands(state, now),
    audit: ctx.audit.map((entry) => ({ ...entry, rolloutId: state.id, version: state.version })),
    changed: true,
  };
}

/**
 * Folds `event` into `state` at `now` and reconciles. `state` is undefined only for a `create` event.
 * The input state is never modified.
 */
export function transition(state: RolloutState | undefined, event: RolloutEvent, now: Date): TransitionResult {
  const invalid = invalidNow(now);
  if (invalid) return invalid;
  if (state === undefined) return create(event, now);
  const { after, audit, outcome } = foldEvent(state, event, now);
  if (outcome.kind === 'error') return { ok: false, error: outcome.error };
  return toDecision(state, after, audit, now, outcome.kind === 'ignored' ? outcome.reason : undefined);
}

/**
 * Folds several events in order as one change (the results of a probe batch). An event the domain
 * refuses is left out and the others still count; the change is refused only when every event is.
 */
export function transitionAll(state: RolloutState, events: readonly RolloutEvent[], now: Date): TransitionResult {
  const invalid = invalidNow(now);
  if (invalid) return invalid;
  let latest = state;
  let accepted = 0;
  let ignoredReason: string | undefined;
  let firstRefusal: RolloutRefusal | undefined;
  const audit: PendingAuditEntry[] = [];
  for (const event of events) {
    const folded = foldEvent(latest, event, now);
    if (folded.outcome.kind === 'error') {
      firstRefusal ??= folded.outcome.error;
      continue;
    }
    accepted++;
    latest = folded.after;
    audit.push(...folded.audit);
    ignoredReason = folded.outcome.kind === 'ignored' ? folded.outcome.reason : undefined;
  }
  if (accepted === 0) return { ok: false, error: firstRefusal ?? { code: 'invalid_input', message: 'no event to record' } };
  return toDecision(state, latest, audit, now, ignoredReason);
}
