// A Baseline Accept decides the traffic of the pods no NetworkPolicy selects (NetworkPolicy comes before the
// Baseline tier). For those pods a default-deny, from the Baseline tier or from the plan, is moot for what the
// Accept matches: they stay open to it until a NetworkPolicy selects them.
import { firstPods } from '../describe';
import { defineLintRule } from '../rule';

export const baselineAllowShadowsPlan = defineLintRule({
  id: 'baseline-allow-shadows-plan',
  severity: 'warning',
  scope: 'policies',
  check: (context, findingOf) =>
    (context.clusterPoliciesEnforced ? context.clusterPolicyRules : [])
      .filter((rule) => rule.action === 'Accept' && rule.owner.policy.spec.tier === 'Baseline')
      .flatMap((rule) => {
        const isolated = context.isolatedPods(rule.direction);
        const open = rule.owner.subjectPods.filter((pod) => !isolated.has(pod)).map((pod) => `${pod.namespace}/${pod.name}`);
        if (open.length === 0) return [];
        return [
          findingOf(
            rule.owner.object,
            `${rule.description} accepts ${rule.direction} of ${open.length} pod(s) that no NetworkPolicy selects for ${rule.direction} (${firstPods(open)}): for them it decides before any default-deny, so what it accepts stays open`,
            `Apply the plan's default-deny NetworkPolicies in their namespaces (NetworkPolicy comes before the Baseline tier), or narrow the rule's peers and protocols to what these pods must accept.`,
          ),
        ];
      }),
});
