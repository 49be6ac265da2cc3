// A CNI we know nothing about: whether the policies will block anything must be tested.
import { cniEnforcesNetworkPolicy } from '@bulkhead/contracts';
import { defineLintRule } from '../rule';

export const cniEnforcementUnknown = defineLintRule({
  id: 'cni-enforcement-unknown',
  severity: 'info',
  scope: 'cluster',
  check: ({ options: { cni }, policies }, findingOf) =>
    cni !== undefined && policies.length > 0 && cniEnforcesNetworkPolicy(cni) === null
      ? [
          findingOf(
            'Cluster',
            `cannot tell whether the CNI ${cni} enforces NetworkPolicy`,
            'Check that your CNI enforces NetworkPolicy (test a default-deny in a scratch namespace).',
          ),
        ]
      : [],
});
