// Pods may send DNS queries, but an ingress policy on the DNS pods does not accept them.
import { firstPods } from '../describe';
import { defineLintRule } from '../rule';

export const dnsServerIngressClosed = defineLintRule({
  id: 'dns-server-ingress-closed',
  severity: 'error',
  scope: 'policies',
  check: ({ dnsReachability, dnsNamespace }, findingOf) =>
    dnsReachability().ingressClosed.map(([namespace, pods]) =>
      findingOf(
        `Namespace ${namespace}`,
        `the cluster DNS pods do not accept queries from ${pods.length} pod(s) of ${namespace} (${firstPods(pods)})`,
        `Allow ingress to the DNS pods of ${dnsNamespace} on 53/UDP and 53/TCP from every namespace.`,
      ),
    ),
});
