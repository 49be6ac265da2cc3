// An egress Accept by `domainNames` (experimental channel) on a CNI that does not resolve them: the names
// open nothing. On a CNI whose support no source states, lint says it cannot tell.
import { cniClusterPolicySupport } from '@bulkhead/contracts';
import { defineLintRule } from '../rule';

export const domainNamesUnsupported = defineLintRule({
  id: 'domain-names-unsupported',
  severity: 'warning',
  scope: 'cluster',
  check: ({ options: { cni }, clusterPolicyRules }, findingOf) => {
    const support = cni === undefined ? null : cniClusterPolicySupport(cni);
    if (support === null || support.domainNames === true) return [];
    return clusterPolicyRules.flatMap((rule) => {
      const domainNames = rule.peers.flatMap((peer) => peer.domainNames ?? []);
      if (domainNames.length === 0) return [];
      const names = domainNames.join(', ');
      return support.domainNames === false
        ? [
            findingOf(
              rule.owner.object,
              `${rule.description} accepts egress to ${names} by name, and the CNI (${cni}) does not resolve domainNames: these names open nothing`,
              'Accept the addresses behind these names with a networks peer (CIDRs), or run a CNI that implements domainNames.',
            ),
          ]
        : [
            findingOf(
              rule.owner.object,
              `${rule.description} accepts egress to ${names} by name; domainNames is in the experimental channel and no source we hold says whether ${cni} resolves it`,
              'Probe a connection to one of these names before relying on the rule, or accept the addresses with a networks peer (CIDRs).',
              'info',
            ),
          ];
    });
  },
});
