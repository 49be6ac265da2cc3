/**
 * A test double of the loop around `decide`, for specs only (not exported from the library): an in-memory
 * cluster, a probe oracle and the persist -> execute -> record cycle, with the executor contract that the
 * real loop must keep (re-check `isCommandCurrent` on fresh state right before a driver call).
 */
import { isCommandCurrent } from '../commands';
import { transition } from '../machine';
import type { AuditEntry, PolicyDocument, ProbeObservation, ProbeRun, RolloutCommand, RolloutEvent, RolloutState, TransitionResult } from '../types';

export type ProbeOracle = (run: ProbeRun, namespace: string) => { observed: ProbeObservation; detail?: string };

/** Everything passes: connect and resolve probes reach, blocked probes do not. */
export const enforcingCni: ProbeOracle = (run) => ({ observed: run.probe.expectation === 'blocked' ? 'not_reached' : 'reached' });

/** Scripted observations per probe id and attempt (1-based); other probes follow `fallback`. */
export function scripted(script: Record<string, ProbeObservation[]>, fallback: ProbeOracle = enforcingCni): ProbeOracle {
  return (run, ns) => {
    const list = script[run.probe.id];
    if (!list) return fallback(run, ns);
    const observed = list[Math.min(run.attempt, list.length) - 1];
    return { observed, detail: `scripted ${observed} on attempt ${run.attempt}` };
  };
}

export class SimulatedCluster {
  readonly policies = new Map<string, PolicyDocument[]>();
  readonly calls: Array<{ type: RolloutCommand['type']; key: string; namespace?: string }> = [];

  constructor(
    readonly original: Record<string, PolicyDocument[]>,
    readonly plan: Record<string, PolicyDocument[]>,
    public oracle: ProbeOracle = enforcingCni,
  ) {
    for (const [ns, list] of Object.entries(original)) this.policies.set(ns, JSON.parse(JSON.stringify(list)));
  }

  read(namespace: string): PolicyDocument[] {
    return JSON.parse(JSON.stringify(this.policies.get(namespace) ?? []));
  }

  /**
   * Runs one command against the cluster the way a worker must: skip it when the fresh state no longer
   * asks for it, else call the "driver" and answer with result events.
   */
  execute(state: RolloutState, command: RolloutCommand, now: Date): RolloutEvent[] {
    if (command.type === 'wakeAt' || command.type === 'requestApproval') return [];
    if (!isCommandCurrent(state, command, now)) return [];
    this.calls.push({ type: command.type, key: command.key, namespace: command.namespace });
    switch (command.type) {
      case 'snapshotNamespace':
        return [{ type: 'snapshotTaken', stepId: command.stepId, policies: this.read(command.namespace) }];
      case 'applyPolicies':
        this.policies.set(command.namespace, JSON.parse(JSON.stringify(this.plan[command.namespace] ?? [])));
        return [{ type: 'applied', stepId: command.stepId }];
      case 'runProbes':
        return command.probes.map((run) => {
          const r = this.oracle(run, command.namespace);
          return { type: 'probeResult', stepId: command.stepId, probeId: run.probe.id, attempt: run.attempt, observed: r.observed, ...(r.detail ? { detail: r.detail } : {}) };
        });
      case 'restoreNamespace':
        this.policies.set(command.namespace, JSON.parse(JSON.stringify(command.snapshot.policies)));
        return [{ type: 'restored', stepId: command.stepId, attempt: command.attempt }];
    }
  }
}

/** The persist -> execute -> record cycle, with time under the test's control. */
export class SimulatedLoop {
  state: RolloutState;
  commands: RolloutCommand[] = [];
  readonly audit: AuditEntry[] = [];
  readonly history: RolloutState[] = [];

  constructor(
    initial: RolloutState,
    readonly cluster: SimulatedCluster,
    public now: Date,
  ) {
    this.state = initial;
    this.history.push(initial);
  }

  /** Records an event; throws on a typed error unless `allowError`. */
  send(event: RolloutEvent, allowError = false): TransitionResult {
    const r = transition(this.state, event, this.now);
    if (!r.ok) {
      if (!allowError) throw new Error(`${event.type}: ${r.error.code}: ${r.error.message}`);
      return r;
    }
    if (r.changed) {
      if (r.state.version !== this.state.version + 1) throw new Error('version must move by one per change');
      this.history.push(r.state);
      this.audit.push(...r.audit);
    }
    this.state = r.state;
    this.commands = r.commands;
    return r;
  }

  advanceTo(at: Date | string): void {
    const t = typeof at === 'string' ? new Date(at) : at;
    if (t.getTime() > this.now.getTime()) this.now = t;
  }

  /**
   * Executes the outstanding commands and records their results until nothing is left to do now; then
   * follows the earliest wake-up if `followWakeUps`. Returns when idle, when `until` holds, or after
   * `maxRounds` when given (without it, not settling in 500 rounds is an error).
   */
  run(options: { followWakeUps?: boolean; until?: (s: RolloutState) => boolean; maxRounds?: number } = {}): void {
    const { followWakeUps = true, until } = options;
    const maxRounds = options.maxRounds ?? 500;
    for (let round = 0; round < maxRounds; round++) {
      if (until?.(this.state)) return;
      const work = this.commands.filter((c) => c.type !== 'wakeAt' && c.type !== 'requestApproval');
      if (work.length > 0) {
        for (const c of work) for (const e of this.cluster.execute(this.state, c, this.now)) this.send(e);
        this.send({ type: 'tick' });
        continue;
      }
      const wake = this.commands.find((c): c is Extract<RolloutCommand, { type: 'wakeAt' }> => c.type === 'wakeAt');
      if (!followWakeUps || !wake) return;
      this.advanceTo(wake.at);
      this.send({ type: 'tick' });
    }
    if (options.maxRounds === undefined) throw new Error('the simulated loop did not settle');
  }

  step(namespace: string) {
    const s = this.state.steps.find((x) => x.namespace === namespace);
    if (!s) throw new Error(`no step for ${namespace}`);
    return s;
  }
}
