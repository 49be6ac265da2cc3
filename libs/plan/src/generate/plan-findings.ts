// Stage 8, what the plan says about itself: the blocked edges a person should act on, the risks of thin
// evidence, and what the CNI does with node traffic, as findings beside the lint of the generated policies.
import { hostTrafficNote, NODE_TRAFFIC_RULE } from '@bulkhead/contracts';
import type { BlockReason, BlockedEdge, LintFinding, Risk, Severity } from '../types';
import type { ClassifiedEdges } from './classify-edges';

/** The blocked edges that are findings, with their rule, severity and fix; the others speak for themselves. */
const BLOCKED_EDGE_FINDINGS: Partial<Record<BlockReason, { rule: string; severity: Severity; fix: string }>> = {
  'cross-tier-unconfirmed': {
    rule: 'cross-tier-edge',
    severity: 'warning',
    fix: 'Confirm the edge (review: confirmed) if it is really needed; otherwise reject it and remove the dependency.',
  },
  'external-needs-cidr': {
    rule: 'external-needs-cidr',
    severity: 'warning',
    fix: 'Find the CIDR the service publishes and add it as an edge to external:<cidr>.',
  },
  'api-server-address-unknown': {
    rule: 'api-server-address-unknown',
    severity: 'warning',
    fix: 'Pass the API server endpoint CIDR (kubectl get endpoints kubernetes -n default).',
  },
  'unknown-workload': {
    rule: 'unknown-workload',
    severity: 'info',
    fix: 'Refresh the snapshot, or re-import the flows against the current inventory.',
  },
};

export function blockedEdgeFindings(blocked: readonly BlockedEdge[]): LintFinding[] {
  return blocked.flatMap((edge) => {
    const kind = BLOCKED_EDGE_FINDINGS[edge.reason];
    return kind
      ? [
          {
            rule: kind.rule,
            severity: kind.severity,
            object: `Edge ${edge.key}`,
            message: `${edge.message} (${edge.edge.connections} connections)`,
            fix: kind.fix,
          },
        ]
      : [];
  });
}

/** When the plan has node traffic (allowed by address, or left to the node): what the cluster's CNI lets through regardless. */
export function nodeTrafficFindings(classified: ClassifiedEdges, cni: string | undefined): LintFinding[] {
  const allowed = classified.allowed.filter((edge) => edge.kind === 'node-traffic').length;
  const ignored = classified.ignored.filter((edge) => edge.reason === 'node-traffic').length;
  if (allowed + ignored === 0) return [];
  const note = cni === undefined ? undefined : hostTrafficNote(cni);
  return [
    {
      rule: 'node-traffic-cni',
      severity: 'info',
      object: 'Cluster',
      message: `${allowed} edge(s) with a node allowed by address, ${ignored} left to the node. ${NODE_TRAFFIC_RULE}. ${
        note ??
        `No statement is known for ${cni === undefined ? "the cluster's CNI" : `CNI ${cni}`}: check how it treats traffic between pods and nodes`
      }.`,
      fix: 'Check the CNI settings named here before enforcing; switch node traffic off (options.nodeTraffic: false) to leave it out.',
    },
  ];
}

export function riskFindings(risks: readonly Risk[]): LintFinding[] {
  return risks.map((risk) => ({
    rule: `under-observed-${risk.kind}`,
    severity: risk.kind === 'never-observed' ? 'info' : 'warning',
    object: `Workload ${risk.workload}`,
    message: risk.message,
    fix: 'Observe longer (cover its schedule) or add its dependencies by hand before enforcing.',
  }));
}
