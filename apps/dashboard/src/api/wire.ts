/**
 * Wire types of plans, rollouts, approvals and audit entries, as the API sends them. They mirror
 * libs/plan (types.ts, report.ts, impact.ts, policy-diff.ts), libs/planning (PlanDiff, PlanRecord),
 * libs/rollout (domain/types.ts) and libs/audit, which the dashboard cannot import (they are not
 * type-only leaves); move them into @bulkhead/contracts when the API starts exporting them there.
 */
export type Tier = 'dev' | 'staging' | 'prod';
export type Severity = 'error' | 'warning' | 'info';

// ---------------------------------------------------------------- plans

export interface LintFinding {
  rule: string;
  severity: Severity;
  object: string;
  message: string;
  fix: string;
}

export interface ReachSummary {
  workloads: number;
  maxReachableWorkloads: number;
  meanReachableWorkloads: number;
  totalReachablePorts: number;
}

export interface BlastRadius {
  workloads: Array<{ workload: string; reachableWorkloads: number; reachablePorts: number }>;
  namespaces: Array<{ namespace: string } & ReachSummary>;
  cluster: ReachSummary & { listeningPorts: number };
}

export interface PlanSummary {
  policies: number;
  namespaces: number;
  findings: Record<Severity, number>;
  existingFindings: Record<Severity, number>;
  blockedEdges: number;
  newlyBlocked: number;
  risks: number;
  blastRadius: { before: ReachSummary; after: ReachSummary };
}

export interface PlanEdge {
  src: string;
  dst: string;
  port: number | null;
  protocol: string;
  connections: number;
  firstSeen?: string | null;
  lastSeen?: string | null;
  review?: 'unreviewed' | 'confirmed' | 'rejected';
}

export type EdgeVerdict = 'allowed' | 'denied' | 'partial' | 'unevaluated';

export interface EdgeImpact {
  key: string;
  edge: PlanEdge;
  before: EdgeVerdict;
  after: EdgeVerdict;
  note?: string;
}

export interface BlockedEdge {
  edge: PlanEdge;
  key: string;
  reason: string;
  message: string;
}

export interface Risk {
  kind: 'job' | 'seen-once' | 'short-window' | 'never-observed';
  workload: string;
  message: string;
}

export interface PlanListItem {
  id: string;
  clusterId: string;
  version: number;
  createdBy: string;
  createdAt: string;
  summary: PlanSummary;
}

/** A NetworkPolicy object; the dashboard only reads its metadata. */
export interface PolicyObject {
  metadata: { namespace: string; name: string };
  [key: string]: unknown;
}

export interface PlanView extends PlanListItem {
  policies: PolicyObject[];
  /** namespace -> policy names */
  byNamespace: Record<string, string[]>;
  report: {
    plan: { findings: LintFinding[]; risks: Risk[]; blocked: BlockedEdge[]; ignored: BlockedEdge[]; tiers: Record<string, Tier | null> };
    existingFindings: LintFinding[];
    impact: { newlyBlocked: EdgeImpact[]; newlyAllowed: EdgeImpact[]; unevaluated: EdgeImpact[]; summary: Record<string, number> };
    blastRadius: { before: BlastRadius; after: BlastRadius };
  };
}

export interface PolicyChange {
  namespace: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** `+ ...` added, `- ...` removed, `  ...` unchanged context */
  lines: string[];
}

export type CellState = 'denied' | 'allowed' | 'partial';

export interface ConnectionChange {
  from: string;
  to: string;
  port: number;
  protocol: string;
  before: CellState;
  after: CellState;
}

export interface PlanDiff {
  against: { kind: 'plan'; id: string; version: number } | { kind: 'live' } | { kind: 'none' };
  policies: PolicyChange[];
  semantic: { allowed: ConnectionChange[]; blocked: ConnectionChange[]; changed: ConnectionChange[] };
}

// ---------------------------------------------------------------- rollouts

export type RolloutStatus = 'draft' | 'scheduled' | 'running' | 'waiting_approval' | 'waiting_window' | 'paused' | 'halted' | 'aborted' | 'rolling_back' | 'rolled_back' | 'completed';
export type StepPhase = 'pending' | 'snapshotted' | 'applied' | 'settled' | 'probed' | 'verified' | 'restoring' | 'restored';
export type StageStatus = 'pending' | 'waiting_approval' | 'running' | 'completed' | 'rejected';
export type ProbeKind = 'must-connect' | 'must-resolve' | 'must-be-blocked';
export type ProbeOutcome = 'passed' | 'failed' | 'not_enforced';

export interface ProbeAttempt {
  attempt: number;
  observed: 'reached' | 'not_reached' | 'error';
  detail?: string;
  at: string;
}

export interface Probe {
  id: string;
  kind: ProbeKind;
  from: string;
  to: string;
  port?: number;
  protocol?: string;
  reason?: string;
  expectation: 'connect' | 'resolve' | 'blocked';
  attempts: ProbeAttempt[];
  outcome?: ProbeOutcome;
  nextAttemptAt?: string;
}

export interface HaltReason {
  code: string;
  message: string;
  at: string;
  stepId?: string;
  namespace?: string;
  tier?: Tier;
  probeId?: string;
  by?: string;
}

export interface Step {
  id: string;
  namespace: string;
  tier: Tier;
  wave: number;
  dependents: number;
  phase: StepPhase;
  startedAt?: string;
  appliedAt?: string;
  settleUntil?: string;
  verifiedAt?: string;
  probes: Probe[];
  restore?: { cause: string; requestedAt: string; by?: string; attempt: number; retryAt?: string; lastError?: string };
  restoredAt?: string;
  restoredWithoutChange?: boolean;
  haltReason?: HaltReason;
}

export interface StepEvidence {
  stepId: string;
  namespace: string;
  phase: StepPhase;
  probes: Array<{ id: string; kind: ProbeKind; from: string; to: string; port?: number; protocol?: string; attempts: number; outcome?: ProbeOutcome; detail?: string }>;
}

export interface ApprovalEvidence {
  previousTier: Tier;
  steps: StepEvidence[];
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

export interface Stage {
  tier: Tier;
  status: StageStatus;
  waves: string[][];
  approval?: { requestedAt: string; evidence: ApprovalEvidence; decision?: ApprovalDecision };
  startedAt?: string;
  completedAt?: string;
}

export type RollbackScope = { kind: 'namespace'; namespace: string } | { kind: 'stage'; tier: Tier } | { kind: 'all' };

export interface RolloutState {
  id: string;
  clusterId: string;
  planId: string;
  planVersion: number;
  createdBy: string;
  createdAt: string;
  status: RolloutStatus;
  scheduledAt?: string;
  startedAt?: string;
  finishedAt?: string;
  stages: Stage[];
  steps: Step[];
  config: { waves: number[]; settleMs: number; probe: { retries: number; timeoutMs: number; retryDelayMs: number }; restoreRetryMs: number };
  halt?: HaltReason;
  pausedBy?: string;
  landing?: RolloutStatus;
  rollbacks: Array<{ kind: 'rollback' | 'abort'; scope?: RollbackScope; by: string; at: string; reason?: string }>;
  version: number;
  updatedAt: string;
}

/** One stage waiting for a decision, as GET /api/v1/approvals lists it. */
export interface ApprovalItem {
  rolloutId: string;
  clusterId: string;
  planId: string;
  planVersion: number;
  createdBy: string;
  tier: Tier;
  requestedAt: string;
  evidence: ApprovalEvidence;
  /** the caller created this rollout, so cannot approve it */
  mine: boolean;
}

// ---------------------------------------------------------------- audit

export interface AuditItem {
  id: string;
  at: string;
  actor: string;
  action: string;
  clusterId?: string | null;
  target?: string | null;
  details?: Record<string, unknown>;
  before?: unknown;
  after?: unknown;
}
