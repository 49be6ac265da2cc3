/**
 * What can be done about a halted rollout now, each in words: the view's `nextActions`, which the API and
 * the dashboard show alike. An action is listed only when the machine would take it (the same checks).
 */
import { haltActionRefusal, isStopped, restepRefusal, restepsOf, skipUnanswered, underWay } from './machine';
import type { CallSpec, NextAction, Probe, RolloutState, Step } from './types';

/** The newest plan of the rollout's cluster, when one is known. */
export interface NewestPlan {
  id: string;
  version: number;
}

/**
 * The dependency a failed probe points at: the call the driver saw blocked behind its last attempt (the
 * target's own call to what it depends on), else the probe's own connection.
 */
export function suggestedDependency(probe: Probe): CallSpec | undefined {
  const blocked = probe.attempts[probe.attempts.length - 1]?.blockedCall;
  if (blocked) return blocked;
  if (probe.kind !== 'must-connect' || probe.port === undefined) return undefined;
  return { from: probe.from, to: probe.to, port: probe.port, protocol: probe.protocol ?? 'TCP' };
}

const describeCall = (call: CallSpec): string => `${call.from} -> ${call.to}:${call.port}/${call.protocol}`;

function declareActions(step: Step): NextAction[] {
  if (step.haltReason?.code !== 'probe_failed') return [];
  const seen = new Set<string>();
  const actions: NextAction[] = [];
  for (const probe of step.probes) {
    if (probe.outcome !== 'failed') continue;
    const dependency = suggestedDependency(probe);
    if (!dependency || seen.has(describeCall(dependency))) continue;
    seen.add(describeCall(dependency));
    actions.push({
      action: 'declare-dependency',
      description: `Declare ${describeCall(dependency)} as a dependency (probe ${probe.id} of ${step.namespace} failed on it) and make the cluster's next plan version, which allows it`,
      namespace: step.namespace,
      probeId: probe.id,
      dependency,
    });
  }
  return actions;
}

function stepActions(state: RolloutState, step: Step, now: Date): NextAction[] {
  const skip = step.skip;
  if (skip && skipUnanswered(step)) {
    const asked = { namespace: step.namespace, reason: skip.reason, requestedBy: skip.requestedBy };
    return [
      {
        action: 'approve-skip',
        description: `Agree to leave ${step.namespace} out (${skip.requestedBy} asked: ${skip.reason}); an approver other than ${skip.requestedBy}`,
        ...asked,
      },
      {
        action: 'reject-skip',
        description: `Refuse to leave ${step.namespace} out, saying why (${skip.requestedBy} asked: ${skip.reason}): it stays stopped and can be retried, or a skip asked for again; an approver other than ${skip.requestedBy}`,
        ...asked,
      },
    ];
  }
  const applied = step.phase === 'probed';
  const actions: NextAction[] = [...declareActions(step)];
  if (!restepRefusal(state, [step], now))
    actions.push({
      action: 'retry',
      description: applied
        ? `Apply ${step.namespace}'s policies of plan v${state.planVersion} again and probe it again (after a flaky probe, or once the cluster is fixed)`
        : `Step ${step.namespace} again with plan v${state.planVersion}: snapshot, apply, probe (after a flaky probe, or once the cluster is fixed)`,
      namespace: step.namespace,
    });
  const rejected = skip?.rejectedAt ? ` (${skip.rejectedBy ?? 'an approver'} rejected the last request: ${skip.comment ?? ''})` : '';
  actions.push({
    action: 'skip',
    description: `Leave ${step.namespace} out, saying why: ${applied ? 'its policies are put back from the snapshot' : 'it stays as it was before the rollout'}, it counts as excluded with the reason, and the rollout goes on; an approver other than you must agree${rejected}`,
    namespace: step.namespace,
  });
  return actions;
}

function continueAction(state: RolloutState, newest: NewestPlan | undefined, now: Date): NextAction[] {
  if (!newest || newest.version <= state.planVersion || underWay(state)) return [];
  // Which verified namespaces change is the plans' business: the stopped steps are run again whatever it is.
  if (restepRefusal(state, restepsOf(state, new Set()), now)) return [];
  return [
    {
      action: 'continue',
      description: `Go on with plan v${newest.version} instead of v${state.planVersion}, without aborting: the stopped namespaces and the verified ones whose policies change are stepped again, the other verified ones stay verified`,
      planId: newest.id,
      planVersion: newest.version,
    },
  ];
}

/** What a person can do about the rollout now: empty unless it is halted. */
export function nextActionsOf(state: RolloutState, newest: NewestPlan | undefined, now: Date): NextAction[] {
  if (state.status !== 'halted') return [];
  const ends: NextAction[] = [
    { action: 'rollback', description: 'Put back every namespace the rollout changed, from its snapshots, and end it rolled back' },
    { action: 'abort', description: 'Stop for good: put back the namespaces under way and leave the verified ones enforced' },
  ];
  if (haltActionRefusal(state)) return ends;
  const stopped = state.steps.filter(isStopped);
  return [...continueAction(state, newest, now), ...stopped.flatMap((step) => stepActions(state, step, now)), ...ends];
}
