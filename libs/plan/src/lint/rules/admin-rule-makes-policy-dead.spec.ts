import type { ClusterPolicyAction, ClusterPolicyProtocol, NetworkPolicy } from '@bulkhead/netpol';
import {
  cnp,
  findingsOf,
  itTriggersOnlyWhenItShould,
  namespaceNamed,
  np,
  shopPeer,
  webToDb,
} from '../../../../../test/support/plan/lint-cluster';

/** An Admin rule on db's ingress from the shop namespace. */
const adminOnDb = (action: ClusterPolicyAction, protocols?: ClusterPolicyProtocol[], from = namespaceNamed('shop')) =>
  cnp('protect-db', {
    tier: 'Admin',
    priority: 5,
    subject: { pods: { namespaceSelector: namespaceNamed('shop'), podSelector: { matchLabels: { app: 'db' } } } },
    ingress: [{ name: 'db-guard', action, from: [{ namespaces: from }], ...(protocols ? { protocols } : {}) }],
  });
const dbIngress = (name: string, rule: NonNullable<NetworkPolicy['spec']['ingress']>[number]) =>
  np('shop', name, { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [rule] });
const webToDbAllPorts = dbIngress('db-from-web-any-port', { from: [shopPeer('web')] });
const webToDbNamed = dbIngress('db-from-web-named', { from: [shopPeer('web')], ports: [{ port: 'postgres' }] });
const fromAddresses = dbIngress('db-from-office', { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432 }] });
const webEgressToDb = np('shop', 'web-to-db', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Egress'],
  egress: [{ to: [shopPeer('db')], ports: [{ protocol: 'TCP', port: 5432 }] }],
});
const adminDenyWebEgress = cnp('no-web-egress', {
  tier: 'Admin',
  priority: 5,
  subject: { pods: { namespaceSelector: namespaceNamed('shop'), podSelector: { matchLabels: { app: 'web' } } } },
  egress: [{ action: 'Deny', to: [{ namespaces: {} }] }],
});
const tcp = (destinationPort?: ClusterPolicyProtocol['tcp']) => ({ tcp: destinationPort ?? {} });

describe('admin-rule-makes-policy-dead', () => {
  itTriggersOnlyWhenItShould({
    rule: 'admin-rule-makes-policy-dead',
    triggers: { policies: [webToDb], clusterPolicies: [adminOnDb('Deny')] },
    clean: { policies: [webToDb], clusterPolicies: [adminOnDb('Deny', undefined, namespaceNamed('bare'))] },
  });

  it('names the NetworkPolicy rule and the Admin rule that decides it', () => {
    const [finding] = findingsOf('admin-rule-makes-policy-dead', { policies: [webToDb], clusterPolicies: [adminOnDb('Deny')] });
    expect(finding?.object).toBe('NetworkPolicy shop/db-from-web');
    expect(finding?.message).toMatch(/^spec\.ingress\[0\] never decides anything/);
    expect(finding?.message).toMatch(/denied by ClusterNetworkPolicy protect-db \(Admin, priority 5\), ingress rule 'db-guard'/);
  });

  it.each([
    ['a Deny on its port', [webToDb], adminOnDb('Deny', [tcp({ destinationPort: { number: 5432 } })]), true],
    ['a Deny on another port', [webToDb], adminOnDb('Deny', [tcp({ destinationPort: { number: 5433 } })]), false],
    [
      'a Deny on a range holding its port',
      [webToDb],
      adminOnDb('Deny', [tcp({ destinationPort: { range: { start: 5000, end: 6000 } } })]),
      true,
    ],
    ['a Deny on UDP only', [webToDb], adminOnDb('Deny', [{ udp: {} }]), false],
    ['a Pass', [webToDb], adminOnDb('Pass'), false],
    ['an Accept', [webToDb], adminOnDb('Accept'), true],
    ['a rule on every port, the Deny on one', [webToDbAllPorts], adminOnDb('Deny', [tcp({ destinationPort: { number: 5432 } })]), false],
    ['a rule on every port, the Deny on every port', [webToDbAllPorts], adminOnDb('Deny'), true],
    ['a named port, the Deny on the same named port', [webToDbNamed], adminOnDb('Deny', [{ destinationNamedPort: 'postgres' }]), true],
    ['a named port, the Deny on its number', [webToDbNamed], adminOnDb('Deny', [tcp({ destinationPort: { number: 5432 } })]), true],
    ['a rule admitting addresses: left alone', [fromAddresses], adminOnDb('Deny'), false],
    ['an egress rule under an Admin egress Deny', [webEgressToDb], adminDenyWebEgress, true],
  ] as const)('%s: dead is %s', (_, policies, adminPolicy, dead) => {
    const findings = findingsOf('admin-rule-makes-policy-dead', { policies: [...policies], clusterPolicies: [adminPolicy] });
    expect(findings.length > 0).toBe(dead);
  });

  it('says an Accept makes the rule redundant rather than denied', () => {
    const [finding] = findingsOf('admin-rule-makes-policy-dead', { policies: [webToDb], clusterPolicies: [adminOnDb('Accept')] });
    expect(finding?.message).toMatch(/accepted by ClusterNetworkPolicy protect-db/);
    expect(finding?.fix).toMatch(/already accepts/);
  });

  it('says nothing on a CNI that does not implement cluster policies: the Admin rule decides nothing there', () => {
    expect(
      findingsOf('admin-rule-makes-policy-dead', { policies: [webToDb], clusterPolicies: [adminOnDb('Deny')], context: { cni: 'cilium' } }),
    ).toEqual([]);
  });
});
