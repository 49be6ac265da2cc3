import { type ClusterNetworkPolicy, type ClusterRuleRef, type DnsDependency, describeClusterRule } from '../model/cluster-policy';
import type { InventoryNode } from '../model/node';
import type { NetworkPolicy, Protocol } from '../model/types';
import type { InventoryNamespace, InventoryPod } from '../snapshot/inventory';

/** What evaluation needs from an inventory (an Inventory is one). */
export interface Cluster {
  namespaces: readonly InventoryNamespace[];
  pods: readonly InventoryPod[];
  policies: readonly NetworkPolicy[];
  /** ClusterNetworkPolicies of both tiers (and AdminNetworkPolicies, BaselineAdminNetworkPolicies read as such). */
  clusterPolicies?: readonly ClusterNetworkPolicy[];
  /** Nodes, for `nodes` peers. */
  nodes?: readonly InventoryNode[];
}

/** One end of a connection: a pod of the cluster, or an IP address outside every pod. */
export type Endpoint = { pod: InventoryPod } | { ip: string };

/** A connection attempt, its port already resolved to a number on the destination. */
export interface Traffic {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: Protocol;
}

/** Which rule of which policy let the traffic through. */
export interface RuleRef {
  policy: string;
  /** Index in `spec.ingress` or `spec.egress`. */
  rule: number;
}

/**
 * The verdict of one side: the source's egress or the destination's ingress. The tiers are read in order: Admin
 * cluster policies, then NetworkPolicy, then Baseline cluster policies, then the default (allowed).
 */
export interface DirectionVerdict {
  allowed: boolean;
  /** Every policy that selected this side for this direction (sorted): `ns/name` for a NetworkPolicy, the name alone for a cluster-scoped one. */
  policies: readonly string[];
  /** True when at least one NetworkPolicy selected this side, so only what its rules allow gets through (unless an Admin rule decides first). */
  isolated: boolean;
  /** The NetworkPolicy rules that allowed the traffic (empty unless the NetworkPolicy tier decided it allowed). */
  allowedBy: readonly RuleRef[];
  /** The cluster-scoped Accept or Deny rule that decided this side, when one did. */
  decidedBy?: ClusterRuleRef;
  /** The Pass rule that sent the traffic on to the next tier, when one did. */
  passedBy?: ClusterRuleRef;
  /** On a denied side: the domainNames Accept rules reached first, which would have accepted an address their names resolve to. */
  dependsOnDns?: readonly DnsDependency[];
}

export interface TrafficVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

/**
 * Whether an IP address of this pod designates it. A pod that has terminated (Succeeded or Failed) keeps its
 * status.podIP, but the address may already belong to a new pod; a hostNetwork pod shows its node's address,
 * shared with the node and its other hostNetwork pods. Their addresses designate no pod.
 */
export function ownsItsIps(pod: InventoryPod): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && pod.hostNetwork !== true;
}

export function describe(endpoint: Endpoint): string {
  return 'pod' in endpoint ? `${endpoint.pod.namespace}/${endpoint.pod.name}` : endpoint.ip;
}

const NOBODY: readonly never[] = Object.freeze([]);
const OPEN: DirectionVerdict = Object.freeze({ allowed: true, policies: NOBODY, isolated: false, allowedBy: NOBODY });

/** The verdict of one side from the policies that selected it and the rules that matched. */
export function directionVerdict(policies: readonly string[], allowedBy: readonly RuleRef[]): DirectionVerdict {
  if (policies.length === 0) return OPEN;
  return { allowed: allowedBy.length > 0, policies, isolated: true, allowedBy };
}

/** What the tiers found for one side, before it becomes a DirectionVerdict. */
export interface TierOutcome {
  /** Sorted names of the cluster-scoped and namespaced policies that selected the side. */
  policies: readonly string[];
  /** True when a NetworkPolicy selected the side. */
  isolated: boolean;
  /** The NetworkPolicy rules that matched (read only when the NetworkPolicy tier decided). */
  allowedBy: readonly RuleRef[];
  /** The deciding cluster rule: Accept or Deny. */
  decidedBy?: ClusterRuleRef;
  passedBy?: ClusterRuleRef;
  /** domainNames Accept rules reached before the decision. */
  dnsRules: readonly DnsDependency[];
}

/**
 * The verdict from the tiers' outcome: a cluster rule that decided wins; else an isolated side allows what its
 * NetworkPolicy rules allow; else the default allows. Both evaluators build their verdicts here, so they agree
 * on every field.
 */
export function tieredVerdict(outcome: TierOutcome): DirectionVerdict {
  const { policies, isolated, decidedBy, passedBy } = outcome;
  if (policies.length === 0) return OPEN;
  const decidedByNetworkPolicy = decidedBy === undefined && isolated;
  const allowed = decidedBy ? decidedBy.action === 'Accept' : decidedByNetworkPolicy ? outcome.allowedBy.length > 0 : true;
  const verdict: DirectionVerdict = {
    allowed,
    policies,
    isolated,
    allowedBy: decidedByNetworkPolicy ? outcome.allowedBy : NOBODY,
  };
  if (decidedBy) verdict.decidedBy = decidedBy;
  if (passedBy) verdict.passedBy = passedBy;
  if (!allowed && outcome.dnsRules.length > 0) verdict.dependsOnDns = outcome.dnsRules;
  return verdict;
}

/** One human line for a side, e.g. `dropped by y/deny-all` or `allowed by y/allow-x (ingress rule 0)`. */
export function explainDirection(direction: 'ingress' | 'egress', side: Endpoint, verdict: DirectionVerdict): string {
  if (!('pod' in side)) {
    const where = direction === 'egress' ? 'source' : 'destination';
    return `${where} ${side.ip} is outside the cluster: no ${direction} policy applies`;
  }
  const passed = verdict.passedBy ? `; passed on by ${describeClusterRule(verdict.passedBy, direction)}` : '';
  const dns = (verdict.dependsOnDns ?? [])
    .map(
      (dependency) =>
        `; allowed instead if the address is one of ${dependency.domainNames.join(', ')} (${describeClusterRule(dependency.rule, direction)})`,
    )
    .join('');
  let decision: string;
  if (verdict.decidedBy) decision = `${verdict.allowed ? 'allowed' : 'denied'} by ${describeClusterRule(verdict.decidedBy, direction)}`;
  else if (!verdict.isolated && verdict.policies.length === 0)
    decision = `not isolated: no policy selects ${describe(side)} for ${direction}`;
  else if (!verdict.isolated)
    decision = `allowed: no rule of ${verdict.policies.join(', ')} matched and no NetworkPolicy isolates ${describe(side)} for ${direction}`;
  else if (!verdict.allowed) decision = `dropped by ${verdict.policies.filter((name) => name.includes('/')).join(', ')}`;
  else decision = `allowed by ${verdict.allowedBy.map((r) => `${r.policy} (${direction} rule ${r.rule})`).join(', ')}`;
  return `${decision}${passed}${dns}`;
}
