/**
 * Wire types of plans, approvals and audit entries, as the API sends them. They mirror libs/plan
 * (types.ts, report.ts, impact.ts, policy-diff.ts), libs/planning (PlanDiff, PlanRecord) and libs/audit,
 * which the dashboard cannot import (they are not type-only leaves); move them into @bulkhead/contracts
 * when the API starts exporting them there. A rollout is sent exactly as the domain holds it, so its
 * types come from the domain's leaf file (the dashboard's tsconfig maps @bulkhead/rollout to it alone).
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

export type {
  AbortRestore,
  ApprovalDecision,
  ApprovalEvidence,
  HaltReason,
  PhaseCounts,
  Probe,
  ProbeAttempt,
  ProbeKind,
  ProbeOutcome,
  RollbackScope,
  RolloutStall,
  RolloutState,
  RolloutStatus,
  RolloutSummary,
  RolloutView,
  Stage,
  StageStatus,
  Step,
  StepEvidence,
  StepPhase,
} from '@bulkhead/rollout';
import type { ApprovalEvidence } from '@bulkhead/rollout';

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
