// Namespaces that lack the labels policies select namespaces on, or any tier label (environment, env,
// tier): a namespace selector then misses them, and cross-tier traffic cannot be told apart.
import { type NetworkPolicy, NAMESPACE_NAME_LABEL } from '@bulkhead/netpol';
import { compareStrings } from '../../selectors';
import { TIER_LABELS } from '../../tiers';
import { defineLintRule } from '../rule';

export const namespaceMissingLabels = defineLintRule({
  id: 'namespace-missing-labels',
  severity: 'warning',
  scope: 'cluster',
  check: ({ cluster, policies, options }, findingOf) => {
    if (cluster.policiesOnly) return [];
    const selectedKeys = namespaceLabelKeysSelectedBy([...policies, ...(options.otherPolicies ?? [])]);
    return [...cluster.namespaceLabels.keys()].sort(compareStrings).flatMap((ns) => {
      const labels = cluster.namespaceLabels.get(ns)!;
      const missing = [...selectedKeys].filter((key) => !(key in labels)).sort(compareStrings);
      const tierGiven = !!options.tiers && Object.prototype.hasOwnProperty.call(options.tiers, ns);
      const system = ns.startsWith('kube-');
      const noTier = !tierGiven && !system && !TIER_LABELS.some((key) => key in labels);
      const bare = Object.keys(labels).every((key) => key === NAMESPACE_NAME_LABEL);
      const problems: string[] = [];
      if (missing.length) problems.push(`lacks ${missing.join(', ')}, which policies select namespaces on`);
      const hinted = tierHintedByName(ns);
      if (noTier)
        problems.push(
          `has no environment/env/tier label${bare ? ' (no label at all)' : ''}${hinted ? `, although its name suggests ${hinted}` : ''}, so its tier is unknown and cross-tier traffic cannot be caught`,
        );
      if (!problems.length) return [];
      return [
        findingOf(
          `Namespace ${ns}`,
          `namespace ${ns} ${problems.join('; ')}`,
          `kubectl label namespace ${ns} ${[...missing.map((key) => `${key}=<value>`), ...(noTier ? ['environment=<production|staging|development>'] : [])].join(' ')}`,
          missing.length || bare ? 'warning' : 'info',
        ),
      ];
    });
  },
});

/** Label keys that some peer's namespace selector requires (matchLabels, In, Exists). */
function namespaceLabelKeysSelectedBy(policies: readonly NetworkPolicy[]): Set<string> {
  const keys = new Set<string>();
  for (const policy of policies) {
    for (const peers of [...(policy.spec.ingress ?? []).map((rule) => rule.from), ...(policy.spec.egress ?? []).map((rule) => rule.to)]) {
      for (const peer of peers ?? []) {
        const selector = peer.namespaceSelector;
        if (!selector) continue;
        for (const key of Object.keys(selector.matchLabels ?? {})) keys.add(key);
        for (const expression of selector.matchExpressions ?? [])
          if (expression.operator === 'In' || expression.operator === 'Exists') keys.add(expression.key);
      }
    }
  }
  return keys;
}

function tierHintedByName(namespace: string): string | undefined {
  if (/-(prod|production|prd)$/.test(namespace)) return 'prod';
  if (/-(staging|stage|stg)$/.test(namespace)) return 'staging';
  if (/-(dev|development)$/.test(namespace)) return 'dev';
  return undefined;
}
