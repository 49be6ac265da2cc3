// A Pass rule hands its traffic to NetworkPolicy and then to the Baseline tier. For a pod that no NetworkPolicy
// selects and no Baseline policy selects in that direction, nothing below decides: the traffic falls to the
// default and is allowed, which a Pass rarely means. A Pass in the Baseline tier always falls to the default.
import type { InventoryPod } from '@bulkhead/netpol';
import { hasRules } from '../cluster-policies';
import { firstPods } from '../describe';
import { defineLintRule } from '../rule';

export const passWithNothingBelow = defineLintRule({
  id: 'pass-with-nothing-below',
  severity: 'warning',
  scope: 'policies',
  check: (context, findingOf) =>
    (context.clusterPoliciesEnforced ? context.clusterPolicyRules : [])
      .filter((rule) => rule.action === 'Pass')
      .flatMap((rule) => {
        const fix = `Make the rule Deny (or Accept) if that is what it means, or give these pods a NetworkPolicy or a Baseline rule that decides their ${rule.direction}.`;
        if (rule.owner.policy.spec.tier === 'Baseline') {
          return [
            findingOf(
              rule.owner.object,
              `${rule.description} is a Pass in the Baseline tier: only the default is below it, so what it matches is allowed`,
              fix,
            ),
          ];
        }
        const isolated = context.isolatedPods(rule.direction);
        const baselineSelected = new Set<InventoryPod>(
          context.clusterPolicies
            .filter((owner) => owner.policy.spec.tier === 'Baseline' && hasRules(owner.policy, rule.direction))
            .flatMap((owner) => owner.subjectPods),
        );
        const undecided = rule.owner.subjectPods.filter((pod) => !isolated.has(pod) && !baselineSelected.has(pod));
        if (undecided.length === 0) return [];
        return [
          findingOf(
            rule.owner.object,
            `${rule.description} passes ${rule.direction} of ${undecided.length} pod(s) that no NetworkPolicy and no Baseline policy select for ${rule.direction} (${firstPods(undecided.map((pod) => `${pod.namespace}/${pod.name}`))}): nothing below decides, so what it passes is allowed by default`,
            fix,
          ),
        ];
      }),
});
