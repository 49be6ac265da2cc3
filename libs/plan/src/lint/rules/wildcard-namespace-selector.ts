// `namespaceSelector: {}` matches every namespace, which people often read as "no namespace". The one
// intended use (every pod may query the cluster DNS) is information, not a warning.
import { isEmptySelector } from '@bulkhead/netpol';
import { defineLintRule } from '../rule';
import { peerFieldOf } from '../describe';

export const wildcardNamespaceSelector = defineLintRule({
  id: 'wildcard-namespace-selector',
  severity: 'warning',
  scope: 'policies',
  check: ({ policyRules }, findingOf) =>
    policyRules.flatMap((rule) =>
      (rule.peers ?? []).flatMap((peer, index) => {
        if (peer.ipBlock || !peer.namespaceSelector || !isEmptySelector(peer.namespaceSelector)) return [];
        const intended = rule.owner.selectsDns && rule.opensDnsOnly && rule.direction === 'ingress';
        return [
          findingOf(
            rule.owner.object,
            `${peerFieldOf(rule, index)}.namespaceSelector is {}: it matches every namespace${intended ? ' (intended: every pod must reach the cluster DNS)' : ', not "no namespace"'}`,
            'Name the namespace: namespaceSelector.matchLabels {kubernetes.io/metadata.name: <namespace>}.',
            intended ? 'info' : 'warning',
          ),
        ];
      }),
    ),
});
