/**
 * When a rollout has stopped moving. A rollout that is `running` or `rolling_back` moves by itself: each
 * recorded result changes it, and each wait (settle time, probe retry, restore retry) ends at a time the
 * state names. It is stalled when it has not changed for longer than the deadline past the moment it was
 * last due to move: its last change, or the last of its waits to end. A rollout that waits for a person
 * (an approval, a resume), for a schedule or for a window is never stalled; one that waits for its
 * coverage is, only while the measurement it asked the workers for does not come back.
 */
import { wakeTimes } from './commands';
import type { RolloutStall, RolloutState, RolloutStatus } from './types';

/** The statuses in which nothing but the workers is needed for the rollout to move on. */
export const SELF_DRIVEN_STATUSES: readonly RolloutStatus[] = ['running', 'rolling_back'];

/** Names at most this many namespaces in a reason; the rest are counted. */
const NAMED_STEPS = 5;

/**
 * The rollout's stall, or undefined while it moves (or waits for someone or something with a time).
 * `deadlineMs` is the operator's setting; the rollout's own probe timeout is added, since a batch of
 * probes may run that long without anything being recorded.
 */
export function stallOf(state: RolloutState, now: Date, deadlineMs: number): RolloutStall | undefined {
  const measuring = state.status === 'waiting_coverage' && state.coverageWait?.measuring === true;
  if (!SELF_DRIVEN_STATUSES.includes(state.status) && !measuring) return undefined;
  const t = now.getTime();
  const wakes = wakeTimes(state, now);
  if (wakes.some((at) => at > t)) return undefined; // waiting for a time the state names
  const since = Math.max(Date.parse(state.updatedAt), ...wakes);
  const allowed = deadlineMs + state.config.probe.timeoutMs;
  if (t - since <= allowed) return undefined;
  const underWay = state.steps.filter(
    (s) => !['pending', 'verified', 'restored'].includes(s.phase) || (s.phase === 'pending' && s.startedAt),
  );
  const named = underWay.slice(0, NAMED_STEPS).map((s) => `${s.namespace} (${s.phase})`);
  const more = underWay.length > NAMED_STEPS ? ` and ${underWay.length - NAMED_STEPS} more` : '';
  const steps = named.length ? `; under way: ${named.join(', ')}${more}` : '';
  return {
    since: new Date(since).toISOString(),
    deadlineMs: allowed,
    reason: `no progress for ${Math.round((t - since) / 1000)} s while ${state.status.replace('_', ' ')} (allowed: ${Math.round(allowed / 1000)} s)${steps}`,
  };
}
