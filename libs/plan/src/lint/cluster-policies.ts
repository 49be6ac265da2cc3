// The cluster-scoped policies (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy) as the
// lint rules read them: each with the pods its subject selects, each rule with the words that name it.
import {
  type ClusterNetworkPolicy,
  type ClusterPolicyAction,
  type ClusterPolicyPeer,
  type ClusterPolicyProtocol,
  type InventoryPod,
  clusterRuleRef,
  describeClusterRule,
} from '@bulkhead/netpol';
import type { ClusterView } from './cluster-view';

export interface ClusterPolicyUnderLint {
  policy: ClusterNetworkPolicy;
  /** `AdminNetworkPolicy tenant-isolation`: what its findings are about. */
  object: string;
  /** The pods its subject selects; host-network pods never are (upstream: they are not included). */
  subjectPods: InventoryPod[];
}

export interface ClusterPolicyRuleUnderLint {
  owner: ClusterPolicyUnderLint;
  direction: 'ingress' | 'egress';
  index: number;
  action: ClusterPolicyAction;
  peers: ClusterPolicyPeer[];
  protocols: ClusterPolicyProtocol[] | undefined;
  /** `ClusterNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'no-dev-to-prod'` */
  description: string;
}

export function clusterPoliciesUnderLint(policies: readonly ClusterNetworkPolicy[], cluster: ClusterView): ClusterPolicyUnderLint[] {
  return policies.map((policy) => ({
    policy,
    object: `${policy.kind} ${policy.metadata.name}`,
    subjectPods: subjectPods(policy, cluster),
  }));
}

export function clusterPolicyRules(owners: readonly ClusterPolicyUnderLint[]): ClusterPolicyRuleUnderLint[] {
  return owners.flatMap((owner) =>
    (['ingress', 'egress'] as const).flatMap((direction) =>
      (owner.policy.spec[direction] ?? []).map((rule, index) => ({
        owner,
        direction,
        index,
        action: rule.action,
        peers: 'from' in rule ? rule.from : rule.to,
        protocols: rule.protocols,
        description: describeClusterRule(clusterRuleRef(owner.policy, direction, index), direction),
      })),
    ),
  );
}

/** Whether the policy has rules for the direction: a policy without them leaves the direction alone. */
export function hasRules(policy: ClusterNetworkPolicy, direction: 'ingress' | 'egress'): boolean {
  return (policy.spec[direction]?.length ?? 0) > 0;
}

function subjectPods(policy: ClusterNetworkPolicy, cluster: ClusterView): InventoryPod[] {
  const { namespaces, pods } = policy.spec.subject;
  const selected = namespaces
    ? cluster.peerPods({ namespaceSelector: namespaces, podSelector: {} }, '')
    : pods
      ? cluster.peerPods({ namespaceSelector: pods.namespaceSelector ?? {}, podSelector: pods.podSelector }, '')
      : [];
  return selected.filter((pod) => !pod.hostNetwork);
}
