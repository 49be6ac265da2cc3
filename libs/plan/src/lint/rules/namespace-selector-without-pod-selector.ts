// A peer with a namespaceSelector and no podSelector admits every pod of those namespaces: usually a
// podSelector that lost its place in the same peer (a dash too many in the YAML).
import { isEmptySelector } from '@bulkhead/netpol';
import { defineLintRule } from '../rule';
import { peerFieldOf } from '../describe';

export const namespaceSelectorWithoutPodSelector = defineLintRule({
  id: 'namespace-selector-without-pod-selector',
  severity: 'warning',
  scope: 'policies',
  check: ({ policyRules }, findingOf) =>
    policyRules.flatMap((rule) =>
      (rule.peers ?? []).flatMap((peer, index) =>
        peer.ipBlock || !peer.namespaceSelector || peer.podSelector
          ? []
          : [
              findingOf(
                rule.owner.object,
                `${peerFieldOf(rule, index)} has a namespaceSelector but no podSelector: every pod of ${isEmptySelector(peer.namespaceSelector) ? 'every namespace' : 'the selected namespaces'} matches`,
                'Add a podSelector in the SAME peer (no dash before it) naming the workload.',
              ),
            ],
      ),
    ),
});
