// Policies on a cluster whose CNI enforces none of them: the API server accepts them and nothing is blocked.
import { cniEnforcesNetworkPolicy } from '@bulkhead/contracts';
import { defineLintRule } from '../rule';

export const cniNotEnforcing = defineLintRule({
  id: 'cni-not-enforcing',
  severity: 'error',
  scope: 'cluster',
  check: ({ options: { cni }, policies }, findingOf) =>
    cni !== undefined && policies.length > 0 && cniEnforcesNetworkPolicy(cni) === false
      ? [
          findingOf(
            'Cluster',
            `the CNI (${cni}) does not enforce NetworkPolicy: the API server accepts these ${policies.length} policies and nothing is blocked, a false sense of safety`,
            'Add a policy engine (Calico in canal mode on top of flannel) or move to Cilium or Calico before applying the plan.',
          ),
        ]
      : [],
});
