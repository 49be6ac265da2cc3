import type { ClusterPolicyTier } from '@bulkhead/netpol';
import { cnp, findingsOf, itTriggersOnlyWhenItShould, namespaceNamed, np, webToDb } from '../../../../../test/support/plan/lint-cluster';

const passFromBare = (tier: ClusterPolicyTier = 'Admin') =>
  cnp('owners-decide', {
    tier,
    priority: 30,
    subject: { namespaces: namespaceNamed('shop') },
    ingress: [{ name: 'bare-to-shop', action: 'Pass', from: [{ namespaces: namespaceNamed('bare') }] }],
  });
const baselineDeny = cnp('default-deny', {
  tier: 'Baseline',
  priority: 100,
  subject: { namespaces: {} },
  ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
});
const shopDenyIngress = np('shop', 'default-deny-ingress', { policyTypes: ['Ingress'] });

describe('pass-with-nothing-below', () => {
  itTriggersOnlyWhenItShould({
    rule: 'pass-with-nothing-below',
    triggers: { policies: [], clusterPolicies: [passFromBare()] },
    clean: { policies: [shopDenyIngress], clusterPolicies: [passFromBare()] },
  });

  it.each([
    ['no NetworkPolicy, no Baseline', [], [passFromBare()], /passes ingress of 2 pod\(s\).*shop\/db-1, shop\/web-1/],
    ['a NetworkPolicy for db only: web-1 falls through', [webToDb], [passFromBare()], /passes ingress of 1 pod\(s\).*\(shop\/web-1\)/],
    ['every pod under a NetworkPolicy', [shopDenyIngress], [passFromBare()], undefined],
    ['a Baseline policy below', [], [passFromBare(), baselineDeny], undefined],
    [
      'a Pass in the Baseline tier',
      [shopDenyIngress],
      [passFromBare('Baseline')],
      /a Pass in the Baseline tier: only the default is below it/,
    ],
  ] as const)('%s', (_, policies, clusterPolicies, message) => {
    const findings = findingsOf('pass-with-nothing-below', { policies: [...policies], clusterPolicies: [...clusterPolicies] });
    if (message === undefined) expect(findings).toEqual([]);
    else {
      expect(findings).toHaveLength(1);
      expect(findings[0]?.object).toBe('ClusterNetworkPolicy owners-decide');
      expect(findings[0]?.message).toMatch(message);
      expect(findings[0]?.message).toMatch(/ingress rule 'bare-to-shop'/);
    }
  });
});
