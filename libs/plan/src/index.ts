// @bulkhead/plan: the migration plan. Inventory + dependency edges in; default-deny NetworkPolicies with
// surgical, evidenced allows out, with lint, impact replay, blast radius and a semantic diff. Pure.
export type {
  BlockReason,
  BlockedEdge,
  ClusterLayer,
  EdgeEvidence,
  GuardrailPiece,
  GuardrailPieceState,
  LintFinding,
  NamespaceObservation,
  Plan,
  PlanEdge,
  PlanInput,
  PlanOptions,
  Purpose,
  ReviewState,
  Risk,
  RiskKind,
  RuleEvidence,
  Severity,
  Tier,
} from './types';
export { generatePlan, policyNameFor, describeSelector, MANAGED_BY_LABEL, MANAGED_BY, PURPOSE_LABEL } from './generate';
export { sortFindings } from './findings';
export { DEFAULT_DNS_NAMESPACE, DEFAULT_DNS_LABELS } from './dns';
export { servedPorts, everyServedPort, type ServedPorts } from './served-ports';
export { lintPolicies, describePeer, LINT_RULES, type LintContext, type LintRuleId } from './lint';
export {
  analyzeImpact,
  blastRadius,
  semanticDiff,
  endpointsOf,
  type AddressBook,
  type BlastRadius,
  type BlastRadiusOptions,
  type CellState,
  type ChangeCounts,
  type ConnectionChange,
  type EdgeImpact,
  type EdgeVerdict,
  type ImpactReport,
  type ReachSummary,
  type SemanticDiff,
  type WorkloadReach,
} from './impact';
export { renderYaml, renderJsonList } from './render';
export { currentLayers, plannedLayers, isManagedByBulkhead, type PolicyLayers } from './layers';
export { selectWorkloads, stableLabels, UNSTABLE_LABEL_KEYS, PREFERRED_LABEL_KEYS, type WorkloadSelection } from './selectors';
export { resolveTiers, tierFromLabels, crossesTiers } from './tiers';
export { edgeKey, normalizeEdges } from './edges';
export { buildPlanReport, summarizePlanReport, type PlanReport, type PlanSummary } from './report';
export { diffPolicies, lineDiff, type PolicyChange } from './policy-diff';
