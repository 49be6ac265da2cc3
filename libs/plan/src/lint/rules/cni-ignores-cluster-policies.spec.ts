import { cnp, findingsOf, itTriggersOnlyWhenItShould, namespaceNamed } from '../../../../../test/support/plan/lint-cluster';

const guard = cnp('tier-isolation', {
  tier: 'Admin',
  priority: 10,
  subject: { namespaces: namespaceNamed('shop') },
  ingress: [{ action: 'Deny', from: [{ namespaces: namespaceNamed('bare') }] }],
});

describe('cni-ignores-cluster-policies', () => {
  itTriggersOnlyWhenItShould({
    rule: 'cni-ignores-cluster-policies',
    triggers: { policies: [], clusterPolicies: [guard], context: { cni: 'cilium' } },
    clean: { policies: [], clusterPolicies: [guard], context: { cni: 'calico' } },
  });

  it.each([
    ['cilium', [guard], 1],
    ['Cilium', [guard], 1],
    ['flannel', [guard], 1],
    ['calico', [guard], 0],
    ['antrea', [guard], 0],
    ['ovn-kubernetes', [guard], 0],
    ['weave', [guard], 0],
    ['unknown', [guard], 0],
    ['cilium', [], 0],
  ] as const)('%s with %j: %i finding(s)', (cni, clusterPolicies, expected) => {
    const findings = findingsOf('cni-ignores-cluster-policies', { policies: [], clusterPolicies: [...clusterPolicies], context: { cni } });
    expect(findings).toHaveLength(expected);
    for (const f of findings) expect(f.message).toMatch(/ClusterNetworkPolicy tier-isolation/);
  });
});
