// Which CNI plugins enforce NetworkPolicy. The API server accepts NetworkPolicy objects whatever the
// network plugin; only the plugin (or a policy agent beside it) makes them block anything. The one list
// the plan lint, the cluster views and the simulated driver all read.
//
// - canal is Flannel's network with Calico's policy engine on top.
// - aws-vpc-cni counts as enforcing: since VPC CNI v1.14 its aws-node pods carry the network policy agent
//   (aws-eks-nodeagent). The agent is opt-in (enableNetworkPolicy on the add-on or chart), so a cluster that
//   never switched it on accepts policies and enforces none: the lint cannot see that switch.
// - kindnet enforces since kindnet v1.3.0 (kube-network-policies built in), and kind's bundled kindnetd
//   since kind v0.24.0 (kubernetes-sigs/kind#3612, released August 2024); older kind clusters do not.
// - flannel, kubenet and the reference plugins bridge and host-local only wire pods up; none is no plugin.
const ENFORCES_NETWORK_POLICY = new Map<string, boolean>([
  ['calico', true],
  ['cilium', true],
  ['canal', true],
  ['weave', true],
  ['weave-net', true],
  ['antrea', true],
  ['kube-router', true],
  ['aws-vpc-cni', true],
  ['kindnet', true],
  ['ovn-kubernetes', true],
  ['openshift-sdn', true],
  ['azure-npm', true],
  ['azure-cilium', true],
  ['gke-dataplane-v2', true],
  ['romana', true],
  ['flannel', false],
  ['kubenet', false],
  ['bridge', false],
  ['host-local', false],
  ['none', false],
]);

/**
 * Whether the named CNI enforces NetworkPolicy: true, false, or null when it cannot be known (`unknown`,
 * or a name not in the list). The name is compared without regard to case.
 */
export function cniEnforcesNetworkPolicy(cni: string): boolean | null {
  return ENFORCES_NETWORK_POLICY.get(cni.toLowerCase()) ?? null;
}

/** What a CNI does with the cluster-scoped policies of policy.networking.k8s.io (ClusterNetworkPolicy, ANP, BANP). */
export interface ClusterPolicySupport {
  /** It enforces them. */
  implements: boolean;
  /** It resolves `domainNames` egress peers (experimental channel); null: no source we hold says. */
  domainNames: boolean | null;
}

// Which CNIs implement the cluster-scoped policies, the one list the lint (and the plan) read. Only what a
// source says; every other CNI is unknown (null).
// - Calico, OVN-Kubernetes and Antrea implement AdminNetworkPolicy and BaselineAdminNetworkPolicy, and Calico
//   maps ClusterNetworkPolicy onto its tiers (../shared/reference/live-flow-apis.md section 5; Antrea since v1.13,
//   antrea.io/docs/main/docs/admin-network-policy; OVN-Kubernetes evaluates ANP, NetworkPolicy and BANP as ACL
//   tiers 1 to 3, docs.redhat.com "Understanding network policy APIs"). Whether they resolve domainNames is not
//   stated in those sources: null.
// - Cilium does not implement them (its feature request, cilium/cilium#23380, is open).
// - A CNI that enforces no NetworkPolicy (cniEnforcesNetworkPolicy false) enforces no cluster policy either.
const CLUSTER_POLICY_SUPPORT = new Map<string, ClusterPolicySupport>([
  ['calico', { implements: true, domainNames: null }],
  ['ovn-kubernetes', { implements: true, domainNames: null }],
  ['antrea', { implements: true, domainNames: null }],
  ['cilium', { implements: false, domainNames: false }],
]);
const NO_CLUSTER_POLICY: ClusterPolicySupport = Object.freeze({ implements: false, domainNames: false });

/** What the named CNI does with cluster-scoped policies, or null when no source says (compared without regard to case). */
export function cniClusterPolicySupport(cni: string): ClusterPolicySupport | null {
  const known = CLUSTER_POLICY_SUPPORT.get(cni.toLowerCase());
  if (known) return known;
  return cniEnforcesNetworkPolicy(cni) === false ? NO_CLUSTER_POLICY : null;
}

/**
 * What a CNI lets through between pods and nodes whatever the NetworkPolicies say, as far as its own
 * documentation and maintainers state it; undefined for a CNI we have no sourced statement for.
 *
 * - Kubernetes: "traffic to and from the node where a Pod is running is always allowed, regardless of the
 *   IP address of the Pod or the node" (kubernetes.io/docs/concepts/services-networking/network-policies).
 * - Cilium: the local node reaches its own pods by default (`--allow-localhost`, default `auto`,
 *   cilium/cilium#754); an ipBlock selects node addresses only with `policy-cidr-match-mode: nodes`
 *   (cilium/cilium#28421, cilium/cilium-cli#1988: before it, only the `host` and `remote-node` entities
 *   selected nodes).
 * - Calico (and canal, Calico's policy engine): its Kubernetes install sets
 *   `FELIX_DEFAULTENDPOINTTOHOSTACTION=ACCEPT`, so a pod's traffic to its own node is accepted without
 *   any NetworkPolicy being consulted (projectcalico/calicoctl#1575, projectcalico/calico#7056).
 */
export function hostTrafficNote(cni: string): string | undefined {
  switch (cni.toLowerCase()) {
    case 'cilium':
      return 'Cilium lets a node reach its own pods by default (allow-localhost), so the kubelet health checks pass without a rule; but an ipBlock matches a node address only when Cilium runs with policy-cidr-match-mode: nodes, so the node-traffic ipBlocks of this plan take effect only with that mode (otherwise the host and remote-node entities of a CiliumNetworkPolicy are the way to allow them)';
    case 'calico':
    case 'canal':
      return "Calico's Kubernetes install accepts a pod's traffic to its own node without consulting NetworkPolicy (FELIX_DEFAULTENDPOINTTOHOSTACTION=ACCEPT): egress to the pod's own node passes whatever the plan says";
    default:
      return undefined;
  }
}

/** Kubernetes' own statement on node traffic, which every conforming plugin is expected to honour. */
export const NODE_TRAFFIC_RULE =
  'Kubernetes documents that traffic to and from the node where a pod runs is always allowed, whatever the policies say';
