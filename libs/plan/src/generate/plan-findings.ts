// Stage 8, what the plan says about itself: the blocked edges a person should act on, the risks of thin
// evidence, and what the CNI does with node traffic, as findings beside the lint of the generated policies.
import { hostTrafficNote, NODE_TRAFFIC_RULE } from '@bulkhead/contracts';
import { parseKey } from '../edges';
import { compareStrings } from '../selectors';
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

/**
 * The workloads whose traffic with a node stays closed because the inventory has no address for the node
 * (no Node objects, so Hubble's `reserved:host`, or a Node without addresses): one warning per workload,
 * naming each node and the ports. Health checks from a pod's own node are ignored, never blocked, so never here.
 */
export function unaddressedNodeFindings(blocked: readonly BlockedEdge[]): LintFinding[] {
  const byWorkload = new Map<string, Map<string, Set<string>>>();
  for (const { edge, reason } of blocked) {
    if (reason !== 'node-traffic') continue;
    const src = parseKey(edge.src);
    const dst = parseKey(edge.dst);
    const egress = src?.kind === 'workload';
    const [workload, node] = egress ? [src, dst] : [dst, src];
    if (workload?.kind !== 'workload' || !node) continue;
    const name = `${workload.namespace}/${workload.name}`;
    const peer = `${egress ? 'egress to' : 'ingress from'} ${
      node.kind === 'node'
        ? `node ${node.name}, which has no address in the inventory,`
        : `${node.key}, a node the inventory does not name,`
    }`;
    let peers = byWorkload.get(name);
    if (!peers) byWorkload.set(name, (peers = new Map()));
    let ports = peers.get(peer);
    if (!ports) peers.set(peer, (ports = new Set()));
    ports.add(`${edge.port ?? ''}/${edge.protocol}`);
  }
  return [...byWorkload].map(([workload, peers]) => {
    const observed = [...peers].map(([peer, ports]) => `${peer} on ${[...ports].sort(compareStrings).join(', ')}`);
    return {
      rule: 'node-address-unknown',
      severity: 'warning',
      object: `Workload ${workload}`,
      message: `${observed.join('; ')}: observed, but without the node's address no node-traffic ipBlock can allow it, so default-deny would close it`,
      fix: "Add the cluster's Nodes to the snapshot (kubectl get nodes -o json) or sync the cluster, then re-plan.",
    };
  });
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
