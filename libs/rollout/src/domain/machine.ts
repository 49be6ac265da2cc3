/**
 * The pure heart of the rollout: `transition(state, event, now)` folds one event into the state and then
 * reconciles (`decide`): settle times that ran out, probes that are all in, waves to start, stages to
 * gate, restores that finished. It returns the next state, every outstanding command and the audit
 * entries of the change. It never throws for a bad event: illegal ones are typed errors, stale or
 * duplicated ones are answered with `ignored` and change nothing.
 */
import { Immer } from 'immer';
import { outstandingCommands, windowsFor } from './commands';
import { buildRollout } from './create';
import { nextOpening, windowOpen } from './time/windows';
import type {
  ApprovalEvidence,
  AuditEntry,
  Decision,
  HaltReason,
  JsonValue,
  Probe,
  RestoreCause,
  RollbackScope,
  RolloutError,
  RolloutEvent,
  RolloutState,
  RolloutStatus,
  Stage,
  Step,
  TransitionResult,
} from './types';
import { FINAL_STATUSES } from './types';

/** Roles that may approve or reject a stage (the creator of the rollout never may approve it). */
export const APPROVER_ROLES: readonly string[] = ['approver', 'admin'];

const FORWARD: readonly RolloutStatus[] = ['running', 'waiting_window', 'waiting_approval'];

interface Ctx {
  /** the state being changed (a draft: what is not touched stays shared with `base`) */
  s: RolloutState;
  /** the state before the event, never changed */
  base: RolloutState;
  /** step id -> position; steps never move once the rollout exists */
  index: Map<string, number>;
  /** positions of the steps drafted so far */
  touched: Set<number>;
  now: Date;
  at: string;
  audit: Array<Omit<AuditEntry, 'version' | 'rolloutId'>>;
}

/**
 * Copy-on-write for transitions. States are not frozen (freezing walks every step on every change):
 * nothing may change a state in place, here or in whoever holds one.
 */
const { produce } = new Immer({ autoFreeze: false });

/**
 * Step positions by id, per rollout. Keyed by the stages array, which is built with the steps and only
 * replaced when a stage changes, so most transitions find their index here.
 */
const indexes = new WeakMap<readonly Stage[], Map<string, number>>();

function stepIndex(state: RolloutState): Map<string, number> {
  let index = indexes.get(state.stages);
  if (!index) {
    index = new Map(state.steps.map((st, i) => [st.id, i]));
    indexes.set(state.stages, index);
  }
  return index;
}

function context(state: RolloutState, now: Date): Ctx {
  return { s: state, base: state, index: stepIndex(state), touched: new Set(), now, at: now.toISOString(), audit: [] };
}

/**
 * A step to read. Until a step is changed this is the original, not a draft: scanning a thousand steps
 * then costs a thousand property reads, and only the steps that change are copied.
 */
function view(c: Ctx, i: number): Step {
  return c.touched.has(i) ? c.s.steps[i] : c.base.steps[i];
}

/** A step to change. */
function edit(c: Ctx, i: number): Step {
  c.touched.add(i);
  return c.s.steps[i];
}

function anyStep(c: Ctx, test: (step: Step) => boolean): boolean {
  for (let i = 0; i < c.base.steps.length; i++) if (test(view(c, i))) return true;
  return false;
}

/** Positions of the steps of a wave (stage waves never change, so the original's are read). */
function positions(c: Ctx, ids: readonly string[]): number[] {
  return ids.map((id) => c.index.get(id)!);
}

type Outcome = { kind: 'applied' } | { kind: 'ignored'; reason: string } | { kind: 'error'; error: RolloutError };

const APPLIED: Outcome = { kind: 'applied' };
const ignored = (reason: string): Outcome => ({ kind: 'ignored', reason });
/** A refusal; `field` names the event's field at fault, when one is. */
const error = (code: RolloutError['code'], message: string, field?: string): Outcome => ({
  kind: 'error',
  error: { code, message, ...(field ? { problems: [{ field, reason: message }] } : {}) },
});

function log(c: Ctx, action: string, extra: Omit<AuditEntry, 'version' | 'rolloutId' | 'at' | 'action'> = {}): void {
  c.audit.push({ at: c.at, action, ...extra });
}

function stepLog(c: Ctx, action: string, step: Step, detail?: { [key: string]: JsonValue }, actor?: string): void {
  log(c, action, { stepId: step.id, namespace: step.namespace, tier: step.tier, ...(detail ? { detail } : {}), ...(actor ? { actor } : {}) });
}

function setStatus(c: Ctx, status: RolloutStatus, actor?: string, detail?: { [key: string]: JsonValue }): void {
  if (c.s.status === status) return;
  const from = c.s.status;
  c.s.status = status;
  if (c.s.opensAt !== undefined) delete c.s.opensAt; // only a waiting rollout has one, set after this
  if (FINAL_STATUSES.includes(status) && !c.s.finishedAt) c.s.finishedAt = c.at;
  log(c, `rollout.status.${status}`, { ...(actor ? { actor } : {}), detail: { from, ...(detail ?? {}) } });
}

const started = (step: Step): boolean => step.phase !== 'pending' || step.startedAt !== undefined;
const finished = (step: Step): boolean => step.phase === 'verified' || step.phase === 'restored';
/** Started, not finished, not already being restored: what abort and rollback must put back. */
const inFlight = (step: Step): boolean => started(step) && !finished(step) && step.phase !== 'restoring';

function describeProbe(p: Probe): string {
  const port = p.port !== undefined ? `:${p.port}${p.protocol ? `/${p.protocol}` : ''}` : '';
  return `${p.kind} ${p.from} -> ${p.to}${port}`;
}

function lastDetail(p: Probe): string | undefined {
  return p.attempts[p.attempts.length - 1]?.detail;
}

// ------------------------------------------------------------------ step moves

/** Puts a step on its way back to its snapshot (or straight to restored when nothing was applied yet). */
function startRestore(c: Ctx, step: Step, cause: RestoreCause, by?: string): void {
  if (step.phase === 'pending') {
    if (!step.startedAt) return;
    step.phase = 'restored';
    step.restoredAt = c.at;
    step.restoredWithoutChange = true;
    stepLog(c, 'rollout.step.restore', step, { cause, withoutChange: true }, by);
    return;
  }
  if (finished(step) && step.phase === 'restored') return;
  if (step.phase === 'restoring') return;
  step.phase = 'restoring';
  step.restore = { cause, requestedAt: c.at, attempt: 1, ...(by ? { by } : {}) };
  stepLog(c, 'rollout.step.restoring', step, { cause }, by);
}

function haltRollout(c: Ctx, reason: HaltReason): void {
  const s = c.s;
  if (!s.halt) s.halt = reason;
  if (FORWARD.includes(s.status) || s.status === 'paused') setStatus(c, 'halted', reason.by, { code: reason.code, message: reason.message });
}

function failStep(c: Ctx, step: Step, reason: HaltReason, restoreCause?: RestoreCause): void {
  step.haltReason = reason;
  if (restoreCause) startRestore(c, step, restoreCause);
  haltRollout(c, reason);
}

/** Whether `progressStep` may move the step (it moves only these phases). */
const mayProgress = (step: Step): boolean => step.phase === 'applied' || step.phase === 'settled' || (step.phase === 'probed' && !step.haltReason);

function progressStep(c: Ctx, step: Step): void {
  const t = c.now.getTime();
  if (step.phase === 'applied' && step.settleUntil && Date.parse(step.settleUntil) <= t) {
    step.phase = 'settled';
    step.settledAt = c.at;
    stepLog(c, 'rollout.step.settle', step);
  }
  if (step.phase === 'settled' && step.probes.every((p) => p.outcome !== undefined)) {
    step.phase = 'probed';
    step.probedAt = c.at;
    stepLog(c, 'rollout.step.probed', step, { passed: step.probes.filter((p) => p.outcome === 'passed').length, total: step.probes.length });
  }
  if (step.phase === 'probed' && !step.haltReason) {
    const failed = step.probes.filter((p) => p.outcome === 'failed');
    const unenforced = step.probes.filter((p) => p.outcome === 'not_enforced');
    if (failed.length > 0) {
      const p = failed[0];
      const detail = lastDetail(p);
      failStep(
        c,
        step,
        {
          code: 'probe_failed',
          message: `probe ${p.id} (${describeProbe(p)}) failed after ${p.attempts.length} attempt(s)${detail ? `: ${detail}` : ''}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ''}; ${step.namespace} is restored to its snapshot`,
          at: c.at,
          stepId: step.id,
          namespace: step.namespace,
          tier: step.tier,
          probeId: p.id,
        },
        'probe_failed',
      );
    } else if (unenforced.length > 0) {
      const p = unenforced[0];
      failStep(c, step, {
        code: 'policies_not_enforced',
        message: `policies not enforced: must-be-blocked probe ${p.id} (${p.from} -> ${p.to}${p.port !== undefined ? `:${p.port}` : ''}) connected, so the CNI is not enforcing NetworkPolicy (Flannel does not). Restoring would change nothing: roll back or abort once you have decided.`,
        at: c.at,
        stepId: step.id,
        namespace: step.namespace,
        tier: step.tier,
        probeId: p.id,
      });
    } else {
      step.phase = 'verified';
      step.verifiedAt = c.at;
      stepLog(c, 'rollout.step.verify', step);
    }
  }
}

// ------------------------------------------------------------------ stages and waves

/** What an approver sees: the previous tier's steps and probes (none for the rollout's first stage). */
function evidenceFor(c: Ctx, previous: Stage | undefined, next: Stage): ApprovalEvidence {
  const s = c.s;
  const steps = previous ? positions(c, previous.waves.flat()).map((i) => view(c, i)) : [];
  return {
    ...(previous ? { previousTier: previous.tier } : {}),
    planId: s.planId,
    planVersion: s.planVersion,
    ...(next.diffRef !== undefined ? { diffRef: next.diffRef } : {}),
    steps: steps.map((st) => ({
      stepId: st.id,
      namespace: st.namespace,
      phase: st.phase,
      probes: st.probes.map((p) => {
        const detail = lastDetail(p);
        return {
          id: p.id,
          kind: p.kind,
          from: p.from,
          to: p.to,
          ...(p.port !== undefined ? { port: p.port } : {}),
          ...(p.protocol ? { protocol: p.protocol } : {}),
          attempts: p.attempts.length,
          ...(p.outcome ? { outcome: p.outcome } : {}),
          ...(detail !== undefined ? { detail } : {}),
        };
      }),
    })),
  };
}

function advanceStages(c: Ctx): void {
  const s = c.s;
  for (let guard = 0; guard <= s.stages.length; guard++) {
    const idx = s.stages.findIndex((st) => st.status !== 'completed');
    if (idx < 0) {
      setStatus(c, 'completed');
      return;
    }
    const stage = s.stages[idx];
    if (stage.status === 'rejected') return;
    if (stage.status === 'pending') {
      if (stage.approvalRequired) {
        const previous: Stage | undefined = s.stages[idx - 1];
        stage.status = 'waiting_approval';
        stage.approval = { requestedAt: c.at, evidence: evidenceFor(c, previous, stage) };
        log(c, 'rollout.stage.request_approval', { tier: stage.tier, detail: { ...(previous ? { previousTier: previous.tier } : {}), ...(stage.diffRef !== undefined ? { diffRef: stage.diffRef } : {}) } });
      } else {
        stage.status = 'running';
        stage.startedAt = c.at;
        log(c, 'rollout.stage.start', { tier: stage.tier });
      }
    }
    if (stage.status === 'waiting_approval') {
      setStatus(c, 'waiting_approval');
      return;
    }
    // running: find the first wave not fully verified
    const wave = c.base.stages[idx].waves.map((ids) => positions(c, ids)).find((w) => w.some((i) => view(c, i).phase !== 'verified'));
    if (!wave) {
      stage.status = 'completed';
      stage.completedAt = c.at;
      log(c, 'rollout.stage.complete', { tier: stage.tier });
      continue;
    }
    if (wave.some((i) => view(c, i).haltReason || view(c, i).phase === 'restoring' || view(c, i).phase === 'restored')) return; // the halt is on its way
    const notStarted = wave.filter((i) => !started(view(c, i)));
    const busy = anyStep(c, (st) => started(st) && !finished(st));
    if (notStarted.length > 0) {
      const { windows, freezes } = windowsFor(s, stage.tier);
      if (windowOpen(c.now, windows, freezes)) {
        for (const i of notStarted) {
          const st = edit(c, i);
          st.startedAt = c.at;
          stepLog(c, 'rollout.step.start', st, { wave: st.wave });
        }
        setStatus(c, 'running');
      } else if (!busy) {
        const opens = nextOpening(c.now, windows, freezes)?.toISOString();
        setStatus(c, 'waiting_window', undefined, { tier: stage.tier, opensAt: opens ?? null });
        if (opens !== s.opensAt) {
          if (opens) s.opensAt = opens;
          else delete s.opensAt;
        }
      } else setStatus(c, 'running');
    } else setStatus(c, 'running');
    return;
  }
}

function reconcile(c: Ctx): void {
  const s = c.s;
  if (s.status === 'scheduled' && s.scheduledAt && Date.parse(s.scheduledAt) <= c.now.getTime()) {
    s.startedAt = c.at;
    setStatus(c, 'running', undefined, { scheduledAt: s.scheduledAt });
  }
  for (let i = 0; i < c.base.steps.length; i++) if (mayProgress(view(c, i))) progressStep(c, edit(c, i));
  if (s.status === 'rolling_back' && !anyStep(c, (st) => st.phase === 'restoring')) {
    const landing = s.landing ?? 'halted';
    delete s.landing;
    setStatus(c, landing, undefined, { rollbackFinished: true });
  }
  if (FORWARD.includes(s.status)) advanceStages(c);
}

// ------------------------------------------------------------------ events


function inScope(step: Step, scope: RollbackScope): boolean {
  return scope.kind === 'all' || (scope.kind === 'namespace' ? step.namespace === scope.namespace : step.tier === scope.tier);
}

function applyEvent(c: Ctx, event: RolloutEvent): Outcome {
  const s = c.s;
  switch (event.type) {
    case 'create':
      return error('already_exists', `rollout ${s.id} already exists`);
    case 'tick':
      return APPLIED;
    case 'schedule': {
      if (s.status !== 'draft' && s.status !== 'scheduled') return error('illegal_state', `a ${s.status} rollout cannot be scheduled (only draft or scheduled)`);
      const at = Date.parse(event.at);
      if (!Number.isFinite(at)) return error('illegal_state', `"${event.at}" is not an ISO 8601 time`);
      s.scheduledAt = new Date(at).toISOString();
      log(c, 'rollout.schedule', { actor: event.by, detail: { at: s.scheduledAt } });
      setStatus(c, 'scheduled', event.by);
      return APPLIED;
    }
    case 'start':
      if (s.status !== 'draft' && s.status !== 'scheduled') return error('illegal_state', `a ${s.status} rollout cannot be started (only draft or scheduled)`);
      delete s.scheduledAt;
      s.startedAt = c.at;
      setStatus(c, 'running', event.by);
      return APPLIED;
    case 'pause':
      if (s.status !== 'scheduled' && !FORWARD.includes(s.status)) return error('illegal_state', `a ${s.status} rollout cannot be paused`);
      s.pausedBy = event.by;
      setStatus(c, 'paused', event.by, event.reason ? { reason: event.reason } : undefined);
      return APPLIED;
    case 'resume':
      if (s.status !== 'paused') return error('illegal_state', `a ${s.status} rollout cannot be resumed (only a paused one)`);
      delete s.pausedBy;
      setStatus(c, s.startedAt ? 'running' : s.scheduledAt ? 'scheduled' : 'draft', event.by);
      return APPLIED;
    case 'abort': {
      if (FINAL_STATUSES.includes(s.status)) return error('illegal_state', `a ${s.status} rollout cannot be aborted`);
      // What an abort puts back: the namespaces under way, and with `everything` the verified ones too.
      const restore = event.restore ?? 'in_flight';
      const putBack = (step: Step) => inFlight(step) || (restore === 'everything' && step.phase === 'verified');
      const positionsToRestore: number[] = [];
      const leftEnforced: string[] = [];
      for (let i = 0; i < c.base.steps.length; i++) {
        const step = view(c, i);
        if (putBack(step)) positionsToRestore.push(i);
        else if (step.phase === 'verified') leftEnforced.push(step.namespace);
      }
      leftEnforced.sort();
      s.rollbacks.push({ kind: 'abort', by: event.by, at: c.at, restore, leftEnforced, ...(event.reason ? { reason: event.reason } : {}) });
      log(c, 'rollout.abort', { actor: event.by, detail: { restore, leftEnforced, ...(event.reason ? { reason: event.reason } : {}) } });
      for (const i of positionsToRestore) startRestore(c, edit(c, i), 'abort', event.by);
      if (anyStep(c, (st) => st.phase === 'restoring')) {
        s.landing = 'aborted';
        setStatus(c, 'rolling_back', event.by);
      } else setStatus(c, 'aborted', event.by);
      return APPLIED;
    }
    case 'rollback': {
      if (s.status === 'draft' || s.status === 'scheduled') return error('illegal_state', `nothing of a ${s.status} rollout has been applied: abort it instead`);
      const scope = event.scope;
      if (scope.kind === 'namespace' && !anyStep(c, (st) => st.namespace === scope.namespace)) return error('invalid_input', `namespace ${scope.namespace} is not part of rollout ${s.id}`, 'scope.namespace');
      if (scope.kind === 'stage' && !s.stages.some((st) => st.tier === scope.tier)) return error('invalid_input', `rollout ${s.id} has no ${scope.tier} stage`, 'scope.tier');
      if (scope.kind !== 'namespace' && scope.kind !== 'stage' && scope.kind !== 'all') return error('invalid_input', 'rollback scope must be namespace, stage or all', 'scope.kind');
      s.rollbacks.push({ kind: 'rollback', scope, by: event.by, at: c.at, ...(event.reason ? { reason: event.reason } : {}) });
      log(c, 'rollout.rollback', { actor: event.by, detail: { scope: scope as unknown as JsonValue, ...(event.reason ? { reason: event.reason } : {}) } });
      for (let i = 0; i < c.base.steps.length; i++) {
        const step = view(c, i);
        if (inScope(step, scope) && (step.phase === 'verified' || inFlight(step))) startRestore(c, edit(c, i), 'rollback', event.by);
      }
      const wasFinal = FINAL_STATUSES.includes(s.status) ? s.status : undefined;
      if (s.status === 'rolling_back') {
        if (scope.kind === 'all' && s.landing !== 'aborted') s.landing = 'rolled_back';
      } else {
        s.landing = scope.kind === 'all' ? 'rolled_back' : ((wasFinal as 'completed' | 'aborted' | 'rolled_back' | undefined) ?? 'halted');
      }
      if (s.landing === 'halted' && !s.halt) {
        const what = scope.kind === 'namespace' ? `namespace ${scope.namespace}` : scope.kind === 'stage' ? `the ${scope.tier} stage` : 'everything';
        s.halt = { code: 'rolled_back', message: `${event.by} rolled back ${what}`, at: c.at, by: event.by };
      }
      if (s.landing === 'rolled_back' || s.landing === 'aborted') delete s.finishedAt;
      setStatus(c, 'rolling_back', event.by);
      return APPLIED;
    }
    case 'approve':
    case 'reject': {
      const stage = s.stages.find((st) => st.tier === event.tier);
      if (!stage) return error('invalid_input', `rollout ${s.id} has no ${event.tier} stage`, 'tier');
      if (stage.status !== 'waiting_approval' || (s.status !== 'waiting_approval' && s.status !== 'paused')) {
        return error('illegal_state', `the ${event.tier} stage is not waiting for approval (stage ${stage.status}, rollout ${s.status})`);
      }
      if (!APPROVER_ROLES.includes(event.role)) return error('forbidden', `${event.by} has role ${event.role}; only ${APPROVER_ROLES.join(' or ')} may ${event.type} a stage`);
      if (event.type === 'approve' && event.actorId === s.creatorId) {
        return error('forbidden', `${event.by} is the person who created this rollout (${s.createdBy}) and cannot approve it: another approver must`);
      }
      const decision = { approved: event.type === 'approve', by: event.by, role: event.role, at: c.at, ...(event.comment !== undefined ? { comment: event.comment } : {}) };
      stage.approval = { ...(stage.approval ?? { requestedAt: c.at, evidence: evidenceFor(c, s.stages[s.stages.indexOf(stage) - 1], stage) }), decision };
      log(c, event.type === 'approve' ? 'rollout.stage.approve' : 'rollout.stage.reject', { actor: event.by, tier: stage.tier, ...(event.comment !== undefined ? { detail: { comment: event.comment } } : {}) });
      if (event.type === 'approve') {
        stage.status = 'running';
        stage.startedAt = c.at;
        log(c, 'rollout.stage.start', { tier: stage.tier });
        if (s.status === 'waiting_approval') setStatus(c, 'running', event.by);
      } else {
        stage.status = 'rejected';
        haltRollout(c, { code: 'approval_rejected', message: `${event.by} rejected the ${stage.tier} stage${event.comment ? `: ${event.comment}` : ''}`, at: c.at, tier: stage.tier, by: event.by });
      }
      return APPLIED;
    }
    case 'snapshotTaken':
    case 'snapshotFailed':
    case 'applied':
    case 'applyFailed':
    case 'probeResult':
    case 'restored':
    case 'restoreFailed':
      return applyStepEvent(c, event);
    default: {
      const unknown: { type?: unknown } = event;
      return error('invalid_input', `unknown event type ${String(unknown.type)}`);
    }
  }
}

type StepEvent = Extract<RolloutEvent, { stepId: string }>;

function applyStepEvent(c: Ctx, event: StepEvent): Outcome {
  const at = c.index.get(event.stepId);
  if (at === undefined) return error('unknown_step', `rollout ${c.s.id} has no step ${event.stepId}`);
  const step = edit(c, at);
  const stale = (): Outcome => ignored(`${event.type} for step ${step.id} in phase ${step.phase}: stale or duplicate`);
  switch (event.type) {
    case 'snapshotTaken':
      if (step.phase !== 'pending' || !step.startedAt) return stale();
      step.snapshot = { takenAt: c.at, policies: JSON.parse(JSON.stringify(event.policies)) };
      step.phase = 'snapshotted';
      stepLog(c, 'rollout.step.snapshot', step, { policies: event.policies.length });
      return APPLIED;
    case 'snapshotFailed':
      if (step.phase !== 'pending' || !step.startedAt) return stale();
      step.haltReason = { code: 'snapshot_failed', message: `could not read the policies of ${step.namespace}: ${event.error}; nothing was applied`, at: c.at, stepId: step.id, namespace: step.namespace, tier: step.tier };
      startRestore(c, step, 'snapshot_failed');
      haltRollout(c, step.haltReason);
      return APPLIED;
    case 'applied':
      if (step.phase !== 'snapshotted') return stale();
      step.phase = 'applied';
      step.appliedAt = c.at;
      step.settleUntil = new Date(c.now.getTime() + c.s.config.settleMs).toISOString();
      stepLog(c, 'rollout.step.apply', step, { settleUntil: step.settleUntil });
      return APPLIED;
    case 'applyFailed':
      if (step.phase !== 'snapshotted') return stale();
      failStep(c, step, { code: 'apply_failed', message: `applying the plan to ${step.namespace} failed: ${event.error}; restoring its snapshot`, at: c.at, stepId: step.id, namespace: step.namespace, tier: step.tier }, 'apply_failed');
      return APPLIED;
    case 'probeResult': {
      const probe = step.probes.find((p) => p.id === event.probeId);
      if (!probe) return error('unknown_probe', `step ${step.id} has no probe ${event.probeId}`);
      if (step.phase !== 'settled') return stale();
      if (probe.outcome !== undefined) return ignored(`probe ${probe.id} already has its outcome (${probe.outcome})`);
      if (event.attempt !== probe.attempts.length + 1) return ignored(`probe ${probe.id}: attempt ${event.attempt} is not the one awaited (${probe.attempts.length + 1})`);
      if (event.observed !== 'reached' && event.observed !== 'not_reached' && event.observed !== 'error') return error('invalid_input', `observed must be reached, not_reached or error`);
      probe.attempts.push({ attempt: event.attempt, observed: event.observed, at: c.at, ...(event.detail !== undefined ? { detail: event.detail } : {}) });
      delete probe.nextAttemptAt;
      const blocked = probe.expectation === 'blocked';
      if (event.observed === 'reached') probe.outcome = blocked ? 'not_enforced' : 'passed';
      else if (event.observed === 'not_reached' && blocked) probe.outcome = 'passed';
      else if (probe.attempts.length > c.s.config.probe.retries) probe.outcome = 'failed';
      else probe.nextAttemptAt = new Date(c.now.getTime() + c.s.config.probe.retryDelayMs).toISOString();
      stepLog(c, 'rollout.step.probe', step, {
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
      step.restoredAt = c.at;
      stepLog(c, 'rollout.step.restore', step, { attempt: event.attempt, cause: step.restore.cause });
      return APPLIED;
    case 'restoreFailed':
      if (step.phase !== 'restoring' || !step.restore || event.attempt !== step.restore.attempt) return stale();
      step.restore.attempt += 1;
      step.restore.lastError = event.error;
      step.restore.retryAt = new Date(c.now.getTime() + c.s.config.restoreRetryMs).toISOString();
      stepLog(c, 'rollout.step.restore_fail', step, { attempt: event.attempt, error: event.error, retryAt: step.restore.retryAt });
      return APPLIED;
  }
}

// ------------------------------------------------------------------ entry points

/**
 * Decides whether anything changed by identity: `produce` keeps every untouched object as it was, so the
 * next state shares its unchanged steps with the previous one (which lets the store write only what
 * moved) and nothing is copied or compared in full.
 */
function finish(before: RolloutState, after: RolloutState, audit: Ctx['audit'], now: Date, ignoredReason?: string): Decision {
  const changed = after !== before;
  const state = changed ? { ...after, version: before.version + 1, updatedAt: now.toISOString() } : before;
  const entries: AuditEntry[] = changed ? audit.map((a) => ({ ...a, rolloutId: state.id, version: state.version })) : [];
  return { ok: true, state, commands: outstandingCommands(state, now), audit: entries, changed, ...(ignoredReason && !changed ? { ignored: ignoredReason } : {}) };
}

const invalidNow = (now: Date): TransitionResult | undefined =>
  now instanceof Date && Number.isFinite(now.getTime()) ? undefined : { ok: false, error: { code: 'invalid_input', message: 'now must be a valid Date' } };

/** Folds one event into an existing state and reconciles, leaving the commands to be decided. */
function fold(state: RolloutState, event: RolloutEvent, now: Date): { after: RolloutState; audit: Ctx['audit']; outcome: Outcome } {
  const c = context(state, now);
  let outcome: Outcome = APPLIED;
  const after = produce(state, (draft) => {
    c.s = draft as RolloutState;
    outcome = applyEvent(c, event);
    if (outcome.kind !== 'error') reconcile(c);
  });
  return { after, audit: c.audit, outcome };
}

/**
 * Folds `event` into `state` at `now` and reconciles. `state` is undefined only for a `create` event.
 * The input state is never modified.
 */
export function transition(state: RolloutState | undefined, event: RolloutEvent, now: Date): TransitionResult {
  const invalid = invalidNow(now);
  if (invalid) return invalid;
  if (state === undefined) {
    if (event.type !== 'create') return { ok: false, error: { code: 'not_found', message: `no rollout to apply ${event.type} to` } };
    const built = buildRollout(event.input, now);
    if (!built.ok) return built;
    const c = context(built.state, now);
    log(c, 'rollout.create', { actor: event.input.createdBy, detail: { planId: event.input.planId, planVersion: event.input.planVersion, namespaces: event.input.namespaces.length } });
    reconcile(c);
    return { ok: true, state: c.s, commands: outstandingCommands(c.s, now), audit: c.audit.map((a) => ({ ...a, rolloutId: c.s.id, version: c.s.version })), changed: true };
  }
  const { after, audit, outcome } = fold(state, event, now);
  if (outcome.kind === 'error') return { ok: false, error: outcome.error };
  return finish(state, after, audit, now, outcome.kind === 'ignored' ? outcome.reason : undefined);
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
  let refused: RolloutError | undefined;
  const audit: Ctx['audit'] = [];
  for (const event of events) {
    const r = fold(latest, event, now);
    if (r.outcome.kind === 'error') {
      refused ??= r.outcome.error;
      continue;
    }
    accepted++;
    latest = r.after;
    audit.push(...r.audit);
    ignoredReason = r.outcome.kind === 'ignored' ? r.outcome.reason : undefined;
  }
  if (accepted === 0) return { ok: false, error: refused ?? { code: 'invalid_input', message: 'no event to record' } };
  return finish(state, latest, audit, now, ignoredReason);
}

/**
 * The reconcile step alone (a tick): what `advance(rolloutId)` calls when it has no event to record.
 * Returns every outstanding command, so it is also how lost commands are re-issued after a crash.
 */
export function decide(state: RolloutState, now: Date): Decision {
  const r = transition(state, { type: 'tick' }, now);
  if (!r.ok) throw new Error(r.error.message); // a tick has no failure mode
  return r;
}

/** Whether the rollout still holds its cluster (for the one-active-rollout-per-cluster constraint). */
export function isActive(state: RolloutState): boolean {
  return !(['draft', 'aborted', 'rolled_back', 'completed'] as RolloutStatus[]).includes(state.status) || state.steps.some((st) => st.phase === 'restoring');
}
