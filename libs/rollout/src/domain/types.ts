/**
 * The rollout as data: its state, the events that move it and the commands it asks the world to carry
 * out. Everything here is plain JSON (times are ISO 8601 strings), so a state can be stored in a row,
 * an event in a job payload and a command in a queue, and read back unchanged.
 */
import type { GuardrailStage, StageDisplayStatus } from '@bulkhead/contracts';
import type { TimeWindow } from './time/windows';

export const TIERS = ['dev', 'staging', 'prod'] as const;
/** Same spelling as @bulkhead/contracts' Tier; kept here so the domain depends on nothing. */
export type Tier = (typeof TIERS)[number];
/**
 * The stage of the cluster-scoped guardrails (ClusterNetworkPolicies): a stage and a step like a tier's, named
 * `cluster` where a tier's name goes (its approval, its audit entries, a rollback's scope).
 */
export const CLUSTER_STAGE = 'cluster';
/** What names a stage: a tier, or the cluster stage. */
export type StageTier = Tier | typeof CLUSTER_STAGE;
/** The step of the cluster stage stands where a namespace's name goes (the contract's definition). */
export { CLUSTER_SCOPE } from '@bulkhead/contracts';
/** Where the cluster stage goes: before the dev stage, or after the prod stage (the contract's definition). */
export type { GuardrailStage } from '@bulkhead/contracts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A NetworkPolicy object exactly as read from the API server; the domain never looks inside. */
export type PolicyDocument = { [key: string]: JsonValue };

export type RolloutStatus =
  | 'draft'
  | 'scheduled'
  | 'running'
  | 'waiting_approval'
  | 'waiting_window'
  | 'waiting_coverage'
  | 'paused'
  | 'halted'
  | 'aborted'
  | 'rolling_back'
  | 'rolled_back'
  | 'completed';

/** Statuses in which a rollout holds its cluster, and statuses it rests in: the contract's definitions. */
export { ACTIVE_STATUSES, FINAL_STATUSES } from '@bulkhead/contracts';

/**
 * pending -> snapshotted -> applied -> settled -> probed -> verified
 *     any of snapshotted..verified -> restoring -> restored
 * A pending step has started once `startedAt` is set (its snapshot has been asked for).
 */
export type StepPhase = 'pending' | 'snapshotted' | 'applied' | 'settled' | 'probed' | 'verified' | 'restoring' | 'restored';

export type ProbeKind = 'must-connect' | 'must-resolve' | 'must-be-blocked';
export type ProbeExpectation = 'connect' | 'resolve' | 'blocked';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** What one probe attempt saw: the source reached the destination (or the name resolved), or it did not, or the probe could not run. */
export type ProbeObservation = 'reached' | 'not_reached' | 'error';
/** `not_enforced`: a must-be-blocked probe got through, so the CNI is not enforcing NetworkPolicy. */
export type ProbeOutcome = 'passed' | 'failed' | 'not_enforced';

/** A probe as planned: who tries to reach what. Plain data, chosen by `selectProbes`. */
export interface ProbeSpec {
  /** unique within the step */
  id: string;
  kind: ProbeKind;
  /** "namespace/workload" */
  from: string;
  /** "namespace/workload" for connect and blocked probes, a DNS name for must-resolve */
  to: string;
  port?: number;
  protocol?: Protocol;
  /** why this probe was chosen, e.g. "dev reaching a prod data store" */
  reason?: string;
}

/** A connection one workload makes to another, as a dependency of the map reads it. */
export interface CallSpec {
  /** "namespace/workload" */
  from: string;
  /** "namespace/workload" */
  to: string;
  port: number;
  protocol: Protocol;
}

export interface ProbeAttempt {
  attempt: number;
  observed: ProbeObservation;
  detail?: string;
  /** the call the driver saw blocked behind this attempt's failure (the target's own call to a dependency, say) */
  blockedCall?: CallSpec;
  at: string;
}

export interface Probe extends ProbeSpec {
  expectation: ProbeExpectation;
  attempts: ProbeAttempt[];
  /** set once, never changed */
  outcome?: ProbeOutcome;
  /** a retry is due at this time (after a failed attempt) */
  nextAttemptAt?: string;
}

export type HaltCode = 'probe_failed' | 'policies_not_enforced' | 'apply_failed' | 'snapshot_failed' | 'approval_rejected' | 'rolled_back';

export interface HaltReason {
  code: HaltCode;
  message: string;
  at: string;
  stepId?: string;
  namespace?: string;
  tier?: StageTier;
  probeId?: string;
  by?: string;
}

export interface PolicySnapshot {
  takenAt: string;
  /** the namespace's NetworkPolicies before the step (the cluster step: the cluster-scoped policies), byte for byte as read */
  policies: PolicyDocument[];
}

export type RestoreCause = 'probe_failed' | 'apply_failed' | 'snapshot_failed' | 'rollback' | 'abort' | 'skip';

export interface RestoreProgress {
  cause: RestoreCause;
  requestedAt: string;
  by?: string;
  /** the attempt the current restore command carries; a failed attempt makes the next one */
  attempt: number;
  retryAt?: string;
  lastError?: string;
}

/**
 * A request to leave a stopped namespace out, and an approver's answer (another person than the
 * requester): consent, or a refusal with a comment, after which the namespace can be asked about again.
 */
export interface StepSkip {
  reason: string;
  requestedBy: string;
  /** the person behind `requestedBy`, who may neither approve nor reject the skip */
  requesterId: string;
  requestedAt: string;
  approvedBy?: string;
  approvedAt?: string;
  rejectedBy?: string;
  rejectedAt?: string;
  /** the approver's words with the answer (required with a rejection) */
  comment?: string;
}

/** Why a step is on its second (or later) run, and who asked. */
export interface StepRestep {
  cause: 'retry' | 'continue';
  by: string;
  at: string;
}

export interface Step {
  /** `${rolloutId}.${namespace}`: unique across rollouts, usable inside job ids */
  id: string;
  /** how many times the step was run again (retried, or re-run for a newer plan version); absent for its first run */
  round?: number;
  restep?: StepRestep;
  /** the namespace, or CLUSTER_SCOPE for the cluster stage's step */
  namespace: string;
  tier: StageTier;
  /** index of the wave within its stage */
  wave: number;
  dependents: number;
  phase: StepPhase;
  startedAt?: string;
  snapshot?: PolicySnapshot;
  appliedAt?: string;
  settleUntil?: string;
  settledAt?: string;
  probedAt?: string;
  verifiedAt?: string;
  probes: Probe[];
  restore?: RestoreProgress;
  restoredAt?: string;
  /** true when the step was stopped before anything was applied: nothing needed putting back */
  restoredWithoutChange?: boolean;
  haltReason?: HaltReason;
  skip?: StepSkip;
}

/** A namespace of the plan that the rollout leaves alone, on purpose, and why. */
export interface ExcludedNamespace {
  namespace: string;
  reason: string;
}

export type StageStatus = 'pending' | 'waiting_approval' | 'running' | 'completed' | 'rejected';

export interface StepEvidence {
  stepId: string;
  namespace: string;
  phase: StepPhase;
  probes: Array<{
    id: string;
    kind: ProbeKind;
    from: string;
    to: string;
    port?: number;
    protocol?: Protocol;
    attempts: number;
    outcome?: ProbeOutcome;
    detail?: string;
  }>;
}

export interface ApprovalEvidence {
  /** the tier whose results are shown; absent when the stage asking is the rollout's first */
  previousTier?: StageTier;
  steps: StepEvidence[];
  /** reference to the plan's semantic diff for the tier asking for approval (opaque to the domain) */
  diffRef?: string;
  planId: string;
  planVersion: number;
}

export interface ApprovalDecision {
  approved: boolean;
  by: string;
  role: string;
  comment?: string;
  at: string;
}

export interface StageApproval {
  requestedAt: string;
  evidence: ApprovalEvidence;
  decision?: ApprovalDecision;
}

export interface Stage {
  /** the tier, or CLUSTER_STAGE: the guardrails, whose one step applies the plan's cluster-scoped policies */
  tier: StageTier;
  status: StageStatus;
  /** step ids, wave by wave */
  waves: string[][];
  /** whether the stage waits for an approver before it starts, decided by its tier at creation */
  approvalRequired: boolean;
  diffRef?: string;
  approval?: StageApproval;
  startedAt?: string;
  completedAt?: string;
}

export interface ProbeConfig {
  /** extra attempts after the first; 2 means up to 3 attempts */
  retries: number;
  timeoutMs: number;
  retryDelayMs: number;
}

export interface RolloutConfig {
  /** wave sizes within a stage; the last size repeats. [1, 2, 4] makes the first namespace a canary. */
  waves: number[];
  settleMs: number;
  probe: ProbeConfig;
  /** delay between attempts of a failing restore (a restore is never given up) */
  restoreRetryMs: number;
  /** allow windows per tier; a tier without windows may change at any time (freezes aside) */
  windows: Partial<Record<Tier, TimeWindow[]>>;
  freezes: Freeze[];
  /**
   * days of observation without a gap a namespace of the tier needs before its step starts (absent or 0: none;
   * absent on rollouts made before it was recorded)
   */
  minObservedDays?: Partial<Record<Tier, number>>;
}

/** The latest span a namespace was observed without a gap, as the coverage route answers it. */
export interface ObservedSpan {
  since: string;
  until: string;
}

/**
 * How well the namespaces of the wave about to start were observed, as measured at `measuredAt`: per
 * namespace, its latest span observed without a gap (null: never observed). The machine never reads a
 * database: this reaches it in a `coverageMeasured` event.
 */
export interface CoverageMeasurement {
  measuredAt: string;
  observed: Record<string, ObservedSpan | null>;
}

/** A namespace observed for less than its tier's minimum: since when (null: never observed) and how many days, at the measurement. */
export interface ShortNamespace {
  namespace: string;
  observedSince: string | null;
  observedDays: number;
}

/** A wave held back because its tier asks for more observation than its namespaces have had. */
export interface CoverageWait {
  tier: StageTier;
  minObservedDays: number;
  /** the wave's namespaces not started yet: what `measureCoverage` measures */
  namespaces: string[];
  /** those observed for less than the minimum at the last measurement, since when (null: never) and for how long; empty before the first */
  short: ShortNamespace[];
  /** a measurement is asked for (no recent one covers the wave) */
  measuring: boolean;
  /** when the wave's coverage is measured again (absent while measuring) */
  recheckAt?: string;
}

/** A deny window. Without `tiers` it freezes every tier. */
export type Freeze = TimeWindow & { tiers?: Tier[]; reason?: string };

export type RollbackScope = { kind: 'namespace'; namespace: string } | { kind: 'stage'; tier: StageTier } | { kind: 'all' };

/** What an abort puts back: only the namespaces under way (the default), or every namespace it changed. */
export type AbortRestore = 'in_flight' | 'everything';

export interface RollbackRecord {
  kind: 'rollback' | 'abort';
  scope?: RollbackScope;
  by: string;
  at: string;
  reason?: string;
  /** of an abort: what it put back */
  restore?: AbortRestore;
  /** of an abort: the namespaces it left verified, whose plan policies stay in force */
  leftEnforced?: string[];
}

export interface RolloutState {
  id: string;
  clusterId: string;
  planId: string;
  planVersion: number;
  createdBy: string;
  /** who created it, as a person: the user behind a session or behind a token (never approves it) */
  creatorId: string;
  createdAt: string;
  status: RolloutStatus;
  scheduledAt?: string;
  /** while waiting_window: when the window the next wave waits for opens (absent if none opens within a year) */
  opensAt?: string;
  /** the latest measurement of the observation coverage of a wave's namespaces (absent until a tier needed one) */
  coverage?: CoverageMeasurement;
  /** while waiting_coverage: the wave that waits, and for what */
  coverageWait?: CoverageWait;
  startedAt?: string;
  finishedAt?: string;
  stages: Stage[];
  steps: Step[];
  /** the plan's namespaces in no stage, each with its reason (absent on rollouts made before it was recorded) */
  excluded?: ExcludedNamespace[];
  config: RolloutConfig;
  /** why the rollout halted (the first reason; each step keeps its own) */
  halt?: HaltReason;
  pausedBy?: string;
  /** while rolling_back: the status to land in once the restores are done */
  landing?: 'halted' | 'completed' | 'aborted' | 'rolled_back';
  rollbacks: RollbackRecord[];
  /** each time a halted rollout went on with a newer plan version (absent until it first did) */
  continuations?: Continuation[];
  /** +1 on every change; part of job ids (advance.<id>.<version>) */
  version: number;
  updatedAt: string;
}

/** A halted rollout continued with a newer version of its plan, and the namespaces that were stepped again. */
export interface Continuation {
  by: string;
  at: string;
  from: { planId: string; planVersion: number };
  to: { planId: string; planVersion: number };
  /** the namespaces stepped again: the stopped ones, and the verified ones whose policies change */
  restepped: string[];
}

/** A rollout that has stopped moving (see `stallOf`). */
export interface RolloutStall {
  /** when the rollout was last due to move */
  since: string;
  /** how long it may go without a change past `since` before it counts as stalled */
  deadlineMs: number;
  /** in words, for the page and the log: how long, and which namespaces are under way */
  reason: string;
}

/** Something a person can do about a halted rollout now, in words, with what the request needs (see `nextActionsOf`). */
export type NextAction =
  | { action: 'declare-dependency'; description: string; namespace: string; probeId: string; dependency: CallSpec }
  | { action: 'continue'; description: string; planId: string; planVersion: number }
  | { action: 'retry'; description: string; namespace: string }
  | { action: 'skip'; description: string; namespace: string }
  | { action: 'approve-skip'; description: string; namespace: string; reason: string; requestedBy: string }
  | { action: 'reject-skip'; description: string; namespace: string; reason: string; requestedBy: string }
  | { action: 'rollback'; description: string }
  | { action: 'abort'; description: string };

/**
 * A rollout as the API shows it: its state, its stall when it has one, and what can be done about a halt
 * (computed when read, never stored).
 */
export type RolloutView = RolloutState & { stalled?: RolloutStall; nextActions: NextAction[] };

/** How many namespaces are in each phase (phases with none are left out). */
export type PhaseCounts = Partial<Record<StepPhase, number>>;

/**
 * A rollout as a list shows it: where it is and how far, without the steps, their snapshots, probes
 * and evidence, which make a rollout's whole state hundreds of KB (GET /rollouts/{id} has them).
 */
export interface RolloutSummary extends Pick<
  RolloutState,
  | 'id'
  | 'clusterId'
  | 'planId'
  | 'planVersion'
  | 'createdBy'
  | 'createdAt'
  | 'status'
  | 'scheduledAt'
  | 'opensAt'
  | 'startedAt'
  | 'finishedAt'
  | 'updatedAt'
  | 'version'
  | 'halt'
  | 'pausedBy'
> {
  stalled?: RolloutStall;
  excluded: ExcludedNamespace[];
  /** every namespace of the rollout (the cluster stage's step is not one) */
  namespaces: number;
  /** the namespaces' phases */
  phases: PhaseCounts;
  /** the phase of the cluster stage's step, which applies the plan's guardrails; absent without a cluster stage */
  guardrails?: StepPhase;
  /** each stage's namespaces (none for the cluster stage) and its steps' phases */
  stages: Array<{ tier: StageTier; status: StageStatus; display: StageDisplayStatus; namespaces: number; phases: PhaseCounts }>;
}

/** A rollout's own fields, without its stages and steps. */
export type RolloutHeader = Omit<RolloutState, 'stages' | 'steps'>;

/**
 * What a summary is made from, which a store can read without the steps themselves: the rollout's own
 * fields, its stages' tiers and statuses, and how many steps are in each tier and phase.
 */
export interface RolloutOutline {
  header: RolloutHeader;
  stages: Array<Pick<Stage, 'tier' | 'status'>>;
  stepCounts: Array<{ tier: StageTier; phase: StepPhase; count: number }>;
}

// ---------------------------------------------------------------- events

export interface NamespaceInput {
  name: string;
  tier: Tier;
  /** how many namespaces depend on this one; fewest go first */
  dependents: number;
  probes: ProbeSpec[];
}

export interface CreateRolloutInput {
  id: string;
  clusterId: string;
  planId: string;
  planVersion: number;
  createdBy: string;
  creatorId: string;
  /** the tiers whose stages wait for an approval, the first stage included: policy, not the requester's choice */
  approvalTiers: readonly Tier[];
  namespaces: NamespaceInput[];
  /** the plan's other namespaces, each with the reason it is left out */
  excluded?: ExcludedNamespace[];
  config?: Partial<Omit<RolloutConfig, 'probe'>> & { probe?: Partial<ProbeConfig> };
  /** reference to the plan's semantic diff, per tier, shown in approval requests */
  diffRefs?: Partial<Record<Tier, string>>;
  /** the plan's cluster-scoped guardrails, applied as a stage of their own (which always waits for an approval) */
  guardrails?: GuardrailInput;
}

/** The cluster stage of a rollout: where it goes, and the probes that prove it (across tiers and namespaces). */
export interface GuardrailInput {
  placement: GuardrailStage;
  probes: ProbeSpec[];
}

export type RolloutEvent =
  | { type: 'create'; input: CreateRolloutInput }
  | { type: 'schedule'; at: string; by: string }
  | { type: 'start'; by: string }
  | { type: 'pause'; by: string; reason?: string }
  | { type: 'resume'; by: string }
  | { type: 'abort'; by: string; reason?: string; restore?: AbortRestore }
  | { type: 'rollback'; by: string; scope: RollbackScope; reason?: string }
  | { type: 'approve'; tier: StageTier; by: string; actorId: string; role: string; comment?: string }
  | { type: 'reject'; tier: StageTier; by: string; actorId: string; role: string; comment?: string }
  /** a halted rollout goes on with a newer plan version; `changed`: namespaces whose policies differ; `probes`: their probes under it */
  | {
      type: 'continueWith';
      by: string;
      planId: string;
      planVersion: number;
      changed: string[];
      probes: Record<string, ProbeSpec[]>;
    }
  | { type: 'retryStep'; by: string; namespace: string }
  | { type: 'requestSkip'; by: string; actorId: string; namespace: string; reason: string }
  | { type: 'approveSkip'; by: string; actorId: string; role: string; namespace: string; comment?: string }
  | { type: 'rejectSkip'; by: string; actorId: string; role: string; namespace: string; comment: string }
  /** "look again": time passed, a wake-up fired, or the reconciler re-derives lost commands */
  | { type: 'tick' }
  /** what `measureCoverage` found: per namespace, its latest span observed without a gap (null: never) */
  | { type: 'coverageMeasured'; at: string; observed: Record<string, ObservedSpan | null> }
  | { type: 'snapshotTaken'; stepId: string; policies: PolicyDocument[] }
  | { type: 'snapshotFailed'; stepId: string; error: string }
  | { type: 'applied'; stepId: string }
  | { type: 'applyFailed'; stepId: string; error: string }
  | {
      type: 'probeResult';
      stepId: string;
      probeId: string;
      attempt: number;
      observed: ProbeObservation;
      detail?: string;
      blockedCall?: CallSpec;
      /** the step's round the probe ran for (absent: its first) */
      round?: number;
    }
  | { type: 'restored'; stepId: string; attempt: number }
  | { type: 'restoreFailed'; stepId: string; attempt: number; error: string };

export type RolloutEventType = RolloutEvent['type'];

// ---------------------------------------------------------------- commands

interface CommandBase {
  /**
   * Stable idempotency key, derived from the state alone: the same outstanding work always has the same
   * key. Use it as the BullMQ job id (it never contains ':').
   */
  key: string;
  rolloutId: string;
  clusterId: string;
}

export interface ProbeRun {
  probe: ProbeSpec & { expectation: ProbeExpectation };
  attempt: number;
}

/**
 * What a snapshot, an apply or a restore changes: a namespace's NetworkPolicies, or (`scope: 'cluster'`, the
 * cluster stage's step) the cluster-scoped policies.
 */
export interface PolicyScope {
  scope?: 'cluster';
}

export type RolloutCommand =
  | (CommandBase & PolicyScope & { type: 'snapshotNamespace'; stepId: string; namespace: string })
  /** `tier`: the namespace's tier when the rollout was made, which its stage's approval was for */
  | (CommandBase &
      PolicyScope & { type: 'applyPolicies'; stepId: string; namespace: string; tier: StageTier; planId: string; planVersion: number })
  | (CommandBase & { type: 'runProbes'; stepId: string; round?: number; namespace: string; timeoutMs: number; probes: ProbeRun[] })
  | (CommandBase & PolicyScope & { type: 'restoreNamespace'; stepId: string; namespace: string; attempt: number; snapshot: PolicySnapshot })
  | (CommandBase & { type: 'wakeAt'; at: string })
  /** measure how long these namespaces have been observed without a gap, and answer with `coverageMeasured` */
  | (CommandBase & { type: 'measureCoverage'; namespaces: string[] })
  | (CommandBase & { type: 'requestApproval'; tier: StageTier; evidence: ApprovalEvidence });

export type RolloutCommandType = RolloutCommand['type'];

// ---------------------------------------------------------------- results

export interface AuditEntry {
  at: string;
  rolloutId: string;
  /** the state version this entry belongs to */
  version: number;
  /** `<thing>.<verb>` as in @bulkhead/audit: rollout.create, rollout.step.apply, rollout.stage.approve, rollout.status.halted... */
  action: string;
  /** the `by` of the operator event; absent for the rollout's own moves (map to `system:rollout`) */
  actor?: string;
  stepId?: string;
  namespace?: string;
  tier?: StageTier;
  detail?: { [key: string]: JsonValue };
}

export type RolloutRefusalCode =
  'invalid_input' | 'not_found' | 'already_exists' | 'illegal_state' | 'forbidden' | 'unknown_step' | 'unknown_probe';

export interface RolloutRefusal {
  code: RolloutRefusalCode;
  message: string;
  problems?: Array<{ field: string; reason: string }>;
}

export interface Decision {
  ok: true;
  state: RolloutState;
  /** every outstanding command of `state` (not only new ones): execute idempotently, keyed by `key` */
  commands: RolloutCommand[];
  /** to be written in the same transaction as `state` */
  audit: AuditEntry[];
  /** false when the state is unchanged (then nothing needs persisting and the version did not move) */
  changed: boolean;
  /** set when the event was stale or a duplicate and changed nothing */
  ignored?: string;
}

export type TransitionResult = Decision | { ok: false; error: RolloutRefusal };
