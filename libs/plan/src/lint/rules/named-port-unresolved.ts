// A named port must be declared by a container of the destination pods (the selected pods for ingress,
// the peers for egress); otherwise the rule matches nothing.
import { defineLintRule } from '../rule';

export const namedPortUnresolved = defineLintRule({
  id: 'named-port-unresolved',
  severity: 'warning',
  scope: 'policies',
  check: ({ cluster, policyRules }, findingOf) =>
    cluster.policiesOnly
      ? []
      : policyRules.flatMap((rule) => {
          const named = (rule.ports ?? []).filter((port) => typeof port.port === 'string');
          if (!named.length) return [];
          const destinations =
            rule.direction === 'ingress'
              ? rule.owner.selectedPods
              : rule.peers
                ? rule.peers.flatMap((peer) => cluster.peerPods(peer, rule.owner.namespace))
                : cluster.pods;
          return named.flatMap((port) => {
            const protocol = port.protocol ?? 'TCP';
            if (destinations.some((pod) => pod.ports.some((declared) => declared.name === port.port && declared.protocol === protocol)))
              return [];
            return [
              findingOf(
                rule.owner.object,
                `${rule.field}.ports: no ${rule.direction === 'ingress' ? 'selected' : 'destination'} pod declares a ${protocol} port named "${String(port.port)}": the rule matches nothing`,
                'Use the port number, or the name the container really declares.',
              ),
            ];
          });
        }),
});
