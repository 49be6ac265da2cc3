/**
 * The commands a state asks for, derived from the state alone (and the clock, for what is due). This is
 * what lets a reconciler re-issue everything after a crash: nothing that must happen lives only in a queue.
 */
import { shortHash } from './hash';
import { nextOpening, type TimeWindow } from './time/windows';
import {
  CLUSTER_STAGE,
  type PolicyScope,
  type RolloutCommand,
  type RolloutConfig,
  type RolloutState,
  type Stage,
  type StageTier,
  type Step,
} from './types';

/**
 * What a step's command keys start with: its id, and its round once it runs again, so that the work of a
 * new run never shares a key (a job id) with the work of the run before.
 */
export const runKeyOf = (step: Pick<Step, 'id' | 'round'>): string => (step.round ? `${step.id}.r${step.round}` : step.id);

/**
 * The allow windows of a tier and the freezes that apply to it (a freeze without tiers applies to all). The cluster
 * stage changes prod with every other tier, so prod's windows and freezes are its own.
 */
export function windowsFor(
  config: Pick<RolloutConfig, 'windows' | 'freezes'>,
  stageTier: StageTier,
): { windows: TimeWindow[]; freezes: TimeWindow[] } {
  const tier = stageTier === CLUSTER_STAGE ? 'prod' : stageTier;
  return {
    windows: config.windows[tier] ?? [],
    freezes: config.freezes.filter((f) => f.tiers === undefined || f.tiers.includes(tier)),
  };
}

/** The stage whose next wave waits for a window, when the rollout is waiting_window. */
function waitingStage(state: RolloutState): Stage | undefined {
  return state.stages.find((s) => s.status === 'running');
}

/** The next time something becomes due without any event: settle ends, probe retries, restore retries, schedule, window, coverage recheck. */
export function nextWake(state: RolloutState, now: Date): number | undefined {
  const t = now.getTime();
  const future = wakeTimes(state, now).filter((x) => x > t);
  return future.length === 0 ? undefined : Math.min(...future);
}

/** Every time at which the state has something fall due by itself, past or future (see `nextWake`). */
export function wakeTimes(state: RolloutState, now: Date): number[] {
  const times: number[] = [];
  for (const step of state.steps) {
    if (step.phase === 'applied' && step.settleUntil) times.push(Date.parse(step.settleUntil));
    if (step.phase === 'settled')
      for (const p of step.probes) if (p.outcome === undefined && p.nextAttemptAt) times.push(Date.parse(p.nextAttemptAt));
    if (step.phase === 'restoring' && step.restore?.retryAt) times.push(Date.parse(step.restore.retryAt));
  }
  if (state.status === 'scheduled' && state.scheduledAt) times.push(Date.parse(state.scheduledAt));
  if (state.status === 'waiting_coverage' && state.coverageWait?.recheckAt) times.push(Date.parse(state.coverageWait.recheckAt));
  if (state.status === 'waiting_window') {
    const stage = waitingStage(state);
    if (stage) {
      const { windows, freezes } = windowsFor(state.config, stage.tier);
      const at = nextOpening(now, windows, freezes);
      if (at) times.push(at.getTime());
    }
  }
  return times;
}

/**
 * Every command the state asks for at `now`. Keys are stable: while the work is outstanding, the same
 * key comes back on every call; once its result is recorded, the command disappears.
 */
export function outstandingCommands(state: RolloutState, now: Date): RolloutCommand[] {
  const t = now.getTime();
  const base = { rolloutId: state.id, clusterId: state.clusterId };
  const out: RolloutCommand[] = [];
  for (const step of state.steps) {
    const run = runKeyOf(step);
    const scope: PolicyScope = step.tier === CLUSTER_STAGE ? { scope: 'cluster' } : {};
    switch (step.phase) {
      case 'pending':
        if (step.startedAt)
          out.push({ ...base, ...scope, type: 'snapshotNamespace', key: `${run}.snapshot`, stepId: step.id, namespace: step.namespace });
        break;
      case 'snapshotted':
        out.push({
          ...base,
          ...scope,
          type: 'applyPolicies',
          key: `${run}.apply`,
          stepId: step.id,
          namespace: step.namespace,
          tier: step.tier,
          planId: state.planId,
          planVersion: state.planVersion,
        });
        break;
      case 'settled': {
        const due = step.probes.filter(
          (p) => p.outcome === undefined && (p.nextAttemptAt === undefined || Date.parse(p.nextAttemptAt) <= t),
        );
        if (due.length > 0) {
          const probes = due.map((p) => ({
            probe: {
              id: p.id,
              kind: p.kind,
              expectation: p.expectation,
              from: p.from,
              to: p.to,
              ...(p.port !== undefined ? { port: p.port } : {}),
              ...(p.protocol ? { protocol: p.protocol } : {}),
            },
            attempt: p.attempts.length + 1,
          }));
          // The number of attempts recorded so far only grows, and at a given number the due set only grows
          // with time, so a batch key that stopped being wanted is never wanted again.
          const recorded = step.probes.reduce((n, p) => n + p.attempts.length, 0);
          const key = `${run}.probes.${recorded}.${shortHash(probes.map((r) => `${r.probe.id}#${r.attempt}`).join('\n'))}`;
          out.push({
            ...base,
            type: 'runProbes',
            key,
            stepId: step.id,
            ...(step.round ? { round: step.round } : {}),
            namespace: step.namespace,
            timeoutMs: state.config.probe.timeoutMs,
            probes,
          });
        }
        break;
      }
      case 'restoring':
        if (step.restore && step.snapshot && (step.restore.retryAt === undefined || Date.parse(step.restore.retryAt) <= t)) {
          out.push({
            ...base,
            ...scope,
            type: 'restoreNamespace',
            key: `${run}.restore.${step.restore.attempt}`,
            stepId: step.id,
            namespace: step.namespace,
            attempt: step.restore.attempt,
            snapshot: step.snapshot,
          });
        }
        break;
      default:
        break;
    }
  }
  const gated = state.status === 'waiting_approval' || state.status === 'paused';
  for (const stage of state.stages) {
    if (gated && stage.status === 'waiting_approval' && stage.approval && !stage.approval.decision) {
      out.push({
        ...base,
        type: 'requestApproval',
        key: `${state.id}.approval.${stage.tier}`,
        tier: stage.tier,
        evidence: stage.approval.evidence,
      });
    }
  }
  if (state.status === 'waiting_coverage' && state.coverageWait?.measuring) {
    // Keyed by the measurement it replaces: the answer changes the key, so each measurement is asked for once.
    const after = state.coverage?.measuredAt ?? 'first';
    out.push({ ...base, type: 'measureCoverage', key: `${state.id}.coverage.${after}`, namespaces: state.coverageWait.namespaces });
  }
  const wake = nextWake(state, now);
  if (wake !== undefined) out.push({ ...base, type: 'wakeAt', key: `${state.id}.wake.${wake}`, at: new Date(wake).toISOString() });
  return out;
}

/**
 * Whether a command is still wanted by the state. An executor must check this, under the namespace's lock
 * and against freshly read state, right before a driver call that changes the cluster (apply, restore):
 * a late apply must never land after the restore that replaced it.
 */
export function isCommandCurrent(state: RolloutState, command: Pick<RolloutCommand, 'key'>, now: Date): boolean {
  return outstandingCommands(state, now).some((c) => c.key === command.key);
}
