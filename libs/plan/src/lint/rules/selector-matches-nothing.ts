// A peer whose selectors match no pod of the cluster: the rule admits nobody it names.
import { isEmptySelector } from '@bulkhead/netpol';
import { describePeer, peerFieldOf } from '../describe';
import { defineLintRule } from '../rule';

export const selectorMatchesNothing = defineLintRule({
  id: 'selector-matches-nothing',
  severity: 'warning',
  scope: 'policies',
  check: ({ cluster, policyRules }, findingOf) =>
    cluster.policiesOnly
      ? []
      : policyRules.flatMap((rule) =>
          (rule.peers ?? []).flatMap((peer, index) => {
            if (peer.ipBlock) return [];
            const admitsEveryPod =
              (!peer.namespaceSelector || isEmptySelector(peer.namespaceSelector)) &&
              (!peer.podSelector || isEmptySelector(peer.podSelector));
            if (admitsEveryPod || cluster.peerPods(peer, rule.owner.namespace).length > 0) return [];
            return [
              findingOf(
                rule.owner.object,
                `${peerFieldOf(rule, index)} (${describePeer(peer)}) matches no pod of the cluster`,
                'Check the labels of the namespace and pods it should name (kubectl get ns,pods --show-labels).',
              ),
            ];
          }),
        ),
});
