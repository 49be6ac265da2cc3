// Ingress open to every source: a rule without `from`, or an ipBlock of the whole internet. DNS servers
// open to everyone and generated public entry points are meant to be; they are information.
import { parseCidr } from '@bulkhead/netpol';
import { peerFieldOf } from '../describe';
import { defineLintRule } from '../rule';

export const ingressFromAnywhere = defineLintRule({
  id: 'ingress-from-anywhere',
  severity: 'warning',
  scope: 'policies',
  check: ({ policyRules }, findingOf) =>
    policyRules.flatMap((rule) => {
      if (rule.direction !== 'ingress') return [];
      const { owner } = rule;
      if (!rule.peers) {
        return [
          findingOf(
            owner.object,
            `${rule.field} has no \`from\`: it admits every source, inside and outside the cluster${rule.ports ? '' : ', on every port'}`,
            'Name the sources with namespaceSelector AND podSelector (or ipBlock for outside clients).',
            owner.selectsDns && rule.opensDnsOnly ? 'info' : 'warning',
          ),
        ];
      }
      return rule.peers.flatMap((peer, index) => {
        if (!peer.ipBlock || parseCidr(peer.ipBlock.cidr)?.prefix !== 0) return [];
        return [
          findingOf(
            owner.object,
            `${peerFieldOf(rule, index)}.ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` (except ${peer.ipBlock.except.join(', ')})` : ''} admits the whole internet${owner.isPublicEntry ? ': intended for a public entry point, check the ports' : ''}`,
            'Restrict to the client or load-balancer CIDRs that really connect.',
            owner.isPublicEntry ? 'info' : 'warning',
          ),
        ];
      });
    }),
});
