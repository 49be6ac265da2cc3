/**
 * The rollout state machine, split by concern:
 * - `transition.ts`: the entry points (`transition`, `transitionAll`): an event, then reconcile;
 * - `operator-events.ts`: schedule, start, pause, resume, abort, rollback, approve, reject;
 * - `step-events.ts`: the results of commands (snapshot, apply, probe, restore);
 * - `reconcile.ts`: what follows from the state and the time alone (settling, judging probes);
 * - `stages.ts`: stage approvals and waves; `windows.ts`: waiting for a maintenance window or a freeze;
 * - `halt-actions.ts`: what people do about a halt: continue with a newer plan version, retry, skip (approved or rejected);
 * - `halts.ts`: restores and halts; `approval-evidence.ts`: what an approver is shown;
 * - `context.ts`: the draft being changed and the moves every part shares.
 */
export { transition, transitionAll } from './transition';
export { APPROVER_ROLES } from './operator-events';
export { haltActionRefusal, restepRefusal, restepsOf, underWay } from './halt-actions';
export { isStopped, skipUnanswered } from './context';
