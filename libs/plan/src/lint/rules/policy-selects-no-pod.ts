// A pod selector that picks no pod: the policy does nothing (often a typo in a label).
import { isEmptySelector, selectorKey } from '@bulkhead/netpol';
import { defineLintRule } from '../rule';

export const policySelectsNoPod = defineLintRule({
  id: 'policy-selects-no-pod',
  severity: 'warning',
  scope: 'policies',
  check: ({ cluster, validPolicies }, findingOf) =>
    cluster.policiesOnly
      ? []
      : validPolicies
          .filter((policy) => policy.selectedPods.length === 0 && !isEmptySelector(policy.podSelector))
          .map((policy) =>
            findingOf(
              policy.object,
              `spec.podSelector (${selectorKey(policy.podSelector)}) selects no pod of ${policy.namespace}: the policy does nothing`,
              'Fix the selector to the labels the pods really carry, or delete the policy.',
            ),
          ),
});
