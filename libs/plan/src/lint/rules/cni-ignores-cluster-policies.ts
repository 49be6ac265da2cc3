// Cluster-scoped policies on a CNI that does not implement them (Cilium, or a CNI enforcing no policy at all):
// the API server accepts them and none of their rules is enforced.
import { defineLintRule } from '../rule';

export const cniIgnoresClusterPolicies = defineLintRule({
  id: 'cni-ignores-cluster-policies',
  severity: 'error',
  scope: 'cluster',
  check: ({ options: { cni }, clusterPolicies, clusterPoliciesEnforced }, findingOf) =>
    !clusterPoliciesEnforced && clusterPolicies.length > 0
      ? [
          findingOf(
            'Cluster',
            `the CNI (${cni}) does not implement ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy: the API server accepts these ${clusterPolicies.length} cluster policies (${clusterPolicies
              .slice(0, 3)
              .map((owner) => owner.object)
              .join(', ')}${clusterPolicies.length > 3 ? ', ...' : ''}) and enforces none of their rules`,
            'Enforce the guardrails with what this CNI implements, or run a CNI that implements these APIs (Calico, OVN-Kubernetes, Antrea) before relying on them.',
          ),
        ]
      : [],
});
