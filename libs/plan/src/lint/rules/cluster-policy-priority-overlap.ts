// Two cluster policies of one tier with the same priority that select the same pods for the same direction:
// upstream leaves the order between them to the implementation, so which rule decides is unknowable.
import type { InventoryPod } from '@bulkhead/netpol';
import { hasRules } from '../cluster-policies';
import { firstPods } from '../describe';
import { defineLintRule } from '../rule';

export const clusterPolicyPriorityOverlap = defineLintRule({
  id: 'cluster-policy-priority-overlap',
  severity: 'warning',
  scope: 'cluster',
  check: ({ clusterPolicies, clusterPoliciesEnforced }, findingOf) => {
    if (!clusterPoliciesEnforced) return [];
    // A BaselineAdminNetworkPolicy has no priority: it is a singleton.
    const prioritized = clusterPolicies.filter((owner) => owner.policy.kind !== 'BaselineAdminNetworkPolicy');
    return prioritized.flatMap((first, at) =>
      prioritized.slice(at + 1).flatMap((second) => {
        const { tier, priority } = first.policy.spec;
        if (second.policy.spec.tier !== tier || second.policy.spec.priority !== priority) return [];
        return (['ingress', 'egress'] as const).flatMap((direction) => {
          if (!hasRules(first.policy, direction) || !hasRules(second.policy, direction)) return [];
          const inBoth = commonPods(first.subjectPods, second.subjectPods);
          if (inBoth.length === 0) return [];
          return [
            findingOf(
              first.object,
              `${first.object} and ${second.object} both have priority ${priority} in the ${tier} tier and both select ${inBoth.length} pod(s) for ${direction} (${firstPods(inBoth)}): which of them is evaluated first is left to the implementation, so the verdict of a connection both match is ambiguous`,
              `Give one of them another priority (lower is evaluated first), or merge their rules into one policy in the order they must apply.`,
            ),
          ];
        });
      }),
    );
  },
});

function commonPods(first: readonly InventoryPod[], second: readonly InventoryPod[]): string[] {
  const inSecond = new Set(second);
  return first.filter((pod) => inSecond.has(pod)).map((pod) => `${pod.namespace}/${pod.name}`);
}
