import type { ClusterNetworkPolicy, ClusterPolicyTier } from '@bulkhead/netpol';
import { cnp, findingsOf, itTriggersOnlyWhenItShould, namespaceNamed } from '../../../../../test/support/plan/lint-cluster';

const fromBare = [{ name: 'from-bare', action: 'Deny' as const, from: [{ namespaces: namespaceNamed('bare') }] }];
const toBare = [{ name: 'to-bare', action: 'Deny' as const, to: [{ namespaces: namespaceNamed('bare') }] }];
const guard = (name: string, priority: number, namespace = 'shop', tier: ClusterPolicyTier = 'Admin', direction = 'ingress') =>
  cnp(name, {
    tier,
    priority,
    subject: { namespaces: namespaceNamed(namespace) },
    ...(direction === 'ingress' ? { ingress: fromBare } : { egress: toBare }),
  });
const anp = (name: string, priority: number): ClusterNetworkPolicy => ({ ...guard(name, priority), kind: 'AdminNetworkPolicy' });

describe('cluster-policy-priority-overlap', () => {
  itTriggersOnlyWhenItShould({
    rule: 'cluster-policy-priority-overlap',
    triggers: { policies: [], clusterPolicies: [guard('a', 10), guard('b', 10)] },
    clean: { policies: [], clusterPolicies: [guard('a', 10), guard('b', 11)] },
  });

  it('names both policies, the tier, the priority and the shared pods', () => {
    const [finding] = findingsOf('cluster-policy-priority-overlap', { policies: [], clusterPolicies: [guard('a', 10), guard('b', 10)] });
    expect(finding?.object).toBe('ClusterNetworkPolicy a');
    expect(finding?.message).toMatch(/ClusterNetworkPolicy a and ClusterNetworkPolicy b both have priority 10 in the Admin tier/);
    expect(finding?.message).toMatch(/2 pod\(s\) for ingress \(shop\/db-1, shop\/web-1\)/);
  });

  it.each([
    ['equal priorities in different tiers', [guard('a', 10), guard('b', 10, 'shop', 'Baseline')], 0],
    ['equal priorities over disjoint pods', [guard('a', 10), guard('b', 10, 'bare')], 0],
    ['equal priorities in different directions', [guard('a', 10), guard('b', 10, 'shop', 'Admin', 'egress')], 0],
    ['an AdminNetworkPolicy and a ClusterNetworkPolicy at one priority', [anp('legacy', 10), guard('b', 10)], 1],
    ['three at one priority: each pair', [guard('a', 10), guard('b', 10), guard('c', 10)], 3],
  ] as const)('%s: %i finding(s)', (_, clusterPolicies, expected) => {
    expect(findingsOf('cluster-policy-priority-overlap', { policies: [], clusterPolicies: [...clusterPolicies] })).toHaveLength(expected);
  });

  it('says nothing on a CNI that does not implement cluster policies', () => {
    const clusterPolicies = [guard('a', 10), guard('b', 10)];
    expect(findingsOf('cluster-policy-priority-overlap', { policies: [], clusterPolicies, context: { cni: 'cilium' } })).toEqual([]);
  });
});
