// The whole plan a reviewer reads: the generated policies and everything said about them (lint of the
// plan and of the policies in place, the flows it would block, blast radius before and after). The
// API, the worker and `bulkhead plan` all build it here, so they cannot disagree.
import { analyzeImpact, blastRadius, type BlastRadius, type ImpactReport, type ReachSummary } from './impact';
import { generatePlan } from './generate';
import { currentLayers, plannedLayers } from './layers';
import { lintPolicies } from './lint';
import type { LintFinding, Plan, PlanInput } from './types';

export interface PlanReport {
  plan: Plan;
  /** Lint of the policies the cluster has now (the plan's own findings are in plan.findings). */
  existingFindings: LintFinding[];
  /** Every observed edge replayed against the current policies and against the plan, both layers each. */
  impact: ImpactReport;
  blastRadius: { before: BlastRadius; after: BlastRadius };
}

export interface PlanSummary {
  policies: number;
  namespaces: number;
  findings: { error: number; warning: number; info: number };
  existingFindings: { error: number; warning: number; info: number };
  /** Edges the plan does not allow (rejected, cross-tier unconfirmed, ...), and observed flows it newly blocks. */
  blockedEdges: number;
  newlyBlocked: number;
  risks: number;
  blastRadius: { before: ReachSummary; after: ReachSummary };
}

export function buildPlanReport(input: PlanInput): PlanReport {
  const plan = generatePlan(input);
  const current = currentLayers(input.inventory, input.cni);
  const planned = plannedLayers(input.inventory, plan, input.cni);
  const book = { externalAddresses: input.externalAddresses, apiServerAddresses: input.apiServerAddresses };
  return {
    plan,
    existingFindings: input.inventory.policies.length
      ? lintPolicies(input.inventory, input.inventory.policies, { cni: input.cni, tiers: input.tiers, skipClusterChecks: true })
      : [],
    impact: analyzeImpact(input.inventory, current, planned, input.edges, book),
    blastRadius: {
      before: blastRadius(input.inventory, current, { edges: input.edges }),
      after: blastRadius(input.inventory, planned, { edges: input.edges }),
    },
  };
}

const bySeverity = (findings: readonly LintFinding[]) => ({
  error: findings.filter((f) => f.severity === 'error').length,
  warning: findings.filter((f) => f.severity === 'warning').length,
  info: findings.filter((f) => f.severity === 'info').length,
});

export function summarizePlanReport(report: PlanReport): PlanSummary {
  const { cluster: before } = report.blastRadius.before;
  const { cluster: after } = report.blastRadius.after;
  const strip = ({ workloads, maxReachableWorkloads, meanReachableWorkloads, totalReachablePorts }: ReachSummary): ReachSummary => ({
    workloads,
    maxReachableWorkloads,
    meanReachableWorkloads,
    totalReachablePorts,
  });
  return {
    policies: report.plan.policies.length,
    namespaces: Object.keys(report.plan.byNamespace).length,
    findings: bySeverity(report.plan.findings),
    existingFindings: bySeverity(report.existingFindings),
    blockedEdges: report.plan.blocked.length,
    newlyBlocked: report.impact.newlyBlocked.length,
    risks: report.plan.risks.length,
    blastRadius: { before: strip(before), after: strip(after) },
  };
}
