// Generation: inventory + dependency edges -> default-deny everywhere, DNS, the usual breakers as named
// allows, and one surgical allow per dependency, each rule carrying the edges that justify it.
import { normalizeEdges } from '../edges';
import { dedupeFindings, sortFindings } from '../findings';
import { plannedLayers } from '../layers';
import { lintPolicies } from '../lint';
import type { Plan, PlanInput } from '../types';
import { accumulatePolicies } from './accumulate-policies';
import { assemblePolicies } from './assemble-policies';
import { classifyEdges } from './classify-edges';
import { planClusterLayer } from './cluster-layer';
import { scopeCluster } from './cluster-scope';
import { observeEdges } from './observation';
import { resolvePlanOptions } from './options';
import { blockedEdgeFindings, nodeTrafficFindings, riskFindings, unaddressedNodeFindings } from './plan-findings';
import { identifyRoles } from './roles';
import { selectorFindings } from './selector-findings';

/** Builds the plan. Pure and deterministic: the same input gives the same plan, byte for byte once rendered. */
export function generatePlan(input: PlanInput): Plan {
  const { inventory } = input;
  const options = resolvePlanOptions(input);
  const scope = scopeCluster(input);
  const roles = identifyRoles(input, options);
  const edges = normalizeEdges(input.edges);
  const classified = classifyEdges(edges, { scope, roles, options, externalAddresses: input.externalAddresses ?? {} });
  const book = accumulatePolicies(scope, options, classified.allowed);
  const { policies, byNamespace, evidence } = assemblePolicies(book);
  const { observation, risks } = observeEdges(inventory, edges, scope.tiers, options.minObservationHours);
  const clusterLayer = planClusterLayer({ inventory, cni: input.cni, scope, options, allowed: classified.allowed });
  // Linted as the cluster would hold it: the cluster policies of others beside the plan's cluster layer.
  const { clusterPolicies } = plannedLayers(inventory, { policies, clusterLayer });
  const lintOfPolicies = options.switches.lint
    ? lintPolicies({ ...inventory, clusterPolicies: [...(clusterPolicies ?? [])] }, policies, {
        ...(input.cni !== undefined ? { cni: input.cni } : {}),
        ...(input.tiers ? { tiers: input.tiers } : {}),
        dnsNamespace: options.dnsNamespace,
        dnsPodLabels: options.dnsLabels,
        otherPolicies: inventory.policies,
      })
    : [];
  const findings = [
    ...roles.findings,
    ...classified.findings,
    ...selectorFindings(book, scope.selections),
    ...blockedEdgeFindings(classified.blocked),
    ...nodeTrafficFindings(classified, input.cni),
    ...unaddressedNodeFindings(classified.blocked),
    ...riskFindings(risks),
    ...lintOfPolicies,
  ];
  return {
    policies,
    byNamespace,
    findings: sortFindings(dedupeFindings(findings)),
    evidence,
    observation,
    risks,
    blocked: classified.blocked,
    ignored: classified.ignored,
    tiers: scope.tiers,
    clusterLayer,
  };
}
