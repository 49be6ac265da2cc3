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
