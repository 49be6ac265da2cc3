// Egress denied by default and no way to the cluster DNS: every service name lookup fails.
import { firstPods } from '../describe';
import { defineLintRule } from '../rule';

export const defaultDenyEgressWithoutDns = defineLintRule({
  id: 'default-deny-egress-without-dns',
  severity: 'error',
  scope: 'policies',
  check: ({ dnsReachability, dnsNamespace, dnsLabels }, findingOf) =>
    dnsReachability().egressBlocked.map(([namespace, pods]) =>
      findingOf(
        `Namespace ${namespace}`,
        `egress is denied by default in ${namespace} but ${pods.length ? `${pods.length} pod(s) (${firstPods(pods)})` : 'its pods'} cannot reach the cluster DNS on 53/UDP: every service name lookup will fail`,
        `Add an egress allow to namespaceSelector {kubernetes.io/metadata.name: ${dnsNamespace}} AND podSelector {${Object.entries(
          dnsLabels,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')}} on 53/UDP and 53/TCP.`,
      ),
    ),
});
