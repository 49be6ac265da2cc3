// A NetworkPolicy rule whose every connection an Admin-tier Accept or Deny decides first: the Admin tier comes
// before NetworkPolicy, so the rule never decides anything (dead under a Deny, redundant under an Accept).
// Decided exactly on the inventory: every pod the rule applies to, every pod it admits, and one port of each
// stretch of ports on which every Admin rule answers alike. Rules that admit addresses (ipBlock, or no peer at
// all) are left alone, as are rules checked after the lint has spent MAX_CONNECTIONS_CHECKED evaluations (a rule
// that some connection keeps alive usually costs one).
import {
  type ClusterNetworkPolicy,
  type InventoryPod,
  type PlainEvaluator,
  type Protocol,
  type Traffic,
  describeClusterRule,
} from '@bulkhead/netpol';
import { type ClusterPolicyUnderLint, hasRules } from '../cluster-policies';
import { defineLintRule, type PolicyRuleUnderLint } from '../rule';

const MAX_CONNECTIONS_CHECKED = 100_000;
const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** A stretch of ports of one protocol, ends included. */
interface PortStretch {
  protocol: Protocol;
  first: number;
  last: number;
}

export const adminRuleMakesPolicyDead = defineLintRule({
  id: 'admin-rule-makes-policy-dead',
  severity: 'warning',
  scope: 'policies',
  check: (context, findingOf) => {
    const adminPolicies = context.clusterPolicies.map((owner) => owner.policy).filter((policy) => policy.spec.tier === 'Admin');
    if (adminPolicies.length === 0 || !context.clusterPoliciesEnforced) return [];
    const adminPortEdges = portEdgesOf(adminPolicies);
    const adminSubjects = {
      ingress: adminSubjectsOf(context.clusterPolicies, 'ingress'),
      egress: adminSubjectsOf(context.clusterPolicies, 'egress'),
    };
    const budget = { left: MAX_CONNECTIONS_CHECKED };
    return context.policyRules.flatMap((rule) => {
      if (!rule.peers || rule.peers.some((peer) => peer.ipBlock)) return [];
      if (!rule.owner.selectedPods.every((pod) => adminSubjects[rule.direction].has(pod))) return [];
      const peerPods = [...new Set(rule.peers.flatMap((peer) => context.cluster.peerPods(peer, rule.owner.namespace)))];
      if (peerPods.length === 0 || rule.owner.selectedPods.length === 0) return [];
      const decided = adminDecisions(rule, peerPods, adminPortEdges, context.adminTier(), budget);
      if (!decided) return [];
      const verbs = [...decided.byRule].map(([description, accepted]) => `${accepted ? 'accepted' : 'denied'} by ${description}`);
      return [
        findingOf(
          rule.owner.object,
          `${rule.field} never decides anything: every connection it allows (${decided.checked} connection(s) checked) is decided first in the Admin tier, ${verbs.join('; ')}`,
          [...decided.byRule.values()].every((accepted) => accepted)
            ? 'The Admin tier already accepts this traffic: drop the rule, or keep it knowing it takes effect only if the Admin rule goes.'
            : 'Drop the rule, or, if the namespace owner should decide this traffic, make the Admin rule Pass for it.',
        ),
      ];
    });
  },
});

/** The Admin rule that decided each connection (its description, and whether it accepted), or undefined when one was not decided there. */
function adminDecisions(
  rule: PolicyRuleUnderLint,
  peerPods: readonly InventoryPod[],
  adminPortEdges: readonly number[],
  adminTier: PlainEvaluator,
  budget: { left: number },
): { byRule: Map<string, boolean>; checked: number } | undefined {
  const byRule = new Map<string, boolean>();
  let checked = 0;
  for (const subject of rule.owner.selectedPods) {
    for (const peer of peerPods) {
      const [from, to] = rule.direction === 'ingress' ? [peer, subject] : [subject, peer];
      for (const { protocol, port } of probes(rule, to, adminPortEdges)) {
        if (budget.left-- <= 0) return undefined;
        checked++;
        const traffic: Traffic = { from: { pod: from }, to: { pod: to }, port, protocol };
        const decidedBy = adminTier.evaluate(traffic)[rule.direction].decidedBy;
        if (!decidedBy) return undefined;
        byRule.set(describeClusterRule(decidedBy, rule.direction), decidedBy.action === 'Accept');
      }
    }
  }
  return checked > 0 ? { byRule, checked } : undefined;
}

/** The pods an Admin policy with rules for the direction selects: only their connections can be decided there. */
function adminSubjectsOf(clusterPolicies: readonly ClusterPolicyUnderLint[], direction: 'ingress' | 'egress'): Set<InventoryPod> {
  return new Set(
    clusterPolicies
      .filter((owner) => owner.policy.spec.tier === 'Admin' && hasRules(owner.policy, direction))
      .flatMap((owner) => owner.subjectPods),
  );
}

/** One port of each stretch on which every Admin rule answers alike, within the ports the rule opens to `destination`. */
function* probes(rule: PolicyRuleUnderLint, destination: InventoryPod, adminPortEdges: readonly number[]) {
  const edges = [...adminPortEdges, ...destination.ports.flatMap((port) => [port.port, port.port + 1])];
  for (const stretch of openedStretches(rule, destination)) {
    const inside = new Set(edges.filter((edge) => edge > stretch.first && edge <= stretch.last));
    yield { protocol: stretch.protocol, port: stretch.first };
    for (const port of [...inside].sort((a, b) => a - b)) yield { protocol: stretch.protocol, port };
  }
}

/** The ports a NetworkPolicy rule opens to a destination pod (a named port resolves on it). */
function openedStretches(rule: PolicyRuleUnderLint, destination: InventoryPod): PortStretch[] {
  if (!rule.ports) return PROTOCOLS.map((protocol) => ({ protocol, first: 1, last: 65535 }));
  return rule.ports.flatMap((entry): PortStretch[] => {
    const protocol = (entry.protocol ?? 'TCP') as Protocol;
    if (entry.port === undefined) return [{ protocol, first: 1, last: 65535 }];
    if (typeof entry.port === 'number') return [{ protocol, first: entry.port, last: entry.endPort ?? entry.port }];
    return destination.ports
      .filter((port) => port.name === entry.port && port.protocol === protocol)
      .map((port) => ({ protocol, first: port.port, last: port.port }));
  });
}

/** The ports where an Admin rule's protocols start or stop matching. */
function portEdgesOf(policies: readonly ClusterNetworkPolicy[]): number[] {
  const edges = new Set<number>();
  for (const policy of policies) {
    for (const rule of [...(policy.spec.ingress ?? []), ...(policy.spec.egress ?? [])]) {
      for (const entry of rule.protocols ?? []) {
        const destinationPort = (entry.tcp ?? entry.udp ?? entry.sctp)?.destinationPort;
        if (destinationPort?.number !== undefined) edges.add(destinationPort.number).add(destinationPort.number + 1);
        if (destinationPort?.range) edges.add(destinationPort.range.start).add(destinationPort.range.end + 1);
      }
    }
  }
  return [...edges];
}
