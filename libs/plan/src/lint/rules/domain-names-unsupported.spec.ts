import type { ClusterPolicyEgressRule } from '@bulkhead/netpol';
import { cnp, findingsOf, itTriggersOnlyWhenItShould, namespaceNamed } from '../../../../../test/support/plan/lint-cluster';

const egressOf = (rule: ClusterPolicyEgressRule) =>
  cnp('external-apis', { tier: 'Admin', priority: 20, subject: { namespaces: namespaceNamed('shop') }, egress: [rule] });
const byName = egressOf({ name: 'payments-api', action: 'Accept', to: [{ domainNames: ['api.stripe.com', '*.example.com'] }] });
const byNetwork = egressOf({ name: 'payments-api', action: 'Accept', to: [{ networks: ['203.0.113.0/24'] }] });

describe('domain-names-unsupported', () => {
  itTriggersOnlyWhenItShould({
    rule: 'domain-names-unsupported',
    triggers: { policies: [], clusterPolicies: [byName], context: { cni: 'cilium' } },
    clean: { policies: [], clusterPolicies: [byNetwork], context: { cni: 'cilium' } },
  });

  it('names the rule and the names', () => {
    const [finding] = findingsOf('domain-names-unsupported', { policies: [], clusterPolicies: [byName], context: { cni: 'cilium' } });
    expect(finding?.severity).toBe('warning');
    expect(finding?.message).toMatch(/ClusterNetworkPolicy external-apis \(Admin, priority 20\), egress rule 'payments-api'/);
    expect(finding?.message).toMatch(/api\.stripe\.com, \*\.example\.com/);
  });

  it.each([
    ['cilium', 'warning'],
    ['flannel', 'warning'],
    ['calico', 'info'],
    ['antrea', 'info'],
    ['ovn-kubernetes', 'info'],
    ['weave', undefined],
    ['unknown', undefined],
    [undefined, undefined],
  ] as const)('on %s: %s', (cni, severity) => {
    const findings = findingsOf('domain-names-unsupported', { policies: [], clusterPolicies: [byName], context: cni ? { cni } : {} });
    expect(findings.map((f) => f.severity)).toEqual(severity ? [severity] : []);
  });
});
