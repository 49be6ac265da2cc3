import { cnp, findingsOf, itTriggersOnlyWhenItShould, namespaceNamed, np, webToDb } from '../../../../../test/support/plan/lint-cluster';

const acceptFromBare = cnp('bare-may-reach-shop', {
  tier: 'Baseline',
  priority: 50,
  subject: { namespaces: namespaceNamed('shop') },
  ingress: [{ name: 'from-bare', action: 'Accept', from: [{ namespaces: namespaceNamed('bare') }] }],
});
const acceptToBare = cnp('shop-may-reach-bare', {
  tier: 'Baseline',
  priority: 50,
  subject: { namespaces: namespaceNamed('shop') },
  egress: [{ action: 'Accept', to: [{ namespaces: namespaceNamed('bare') }] }],
});
const adminAccept = { ...acceptFromBare, spec: { ...acceptFromBare.spec, tier: 'Admin' as const } };
const shopDenyIngress = np('shop', 'default-deny-ingress', { policyTypes: ['Ingress'] });

describe('baseline-allow-shadows-plan', () => {
  itTriggersOnlyWhenItShould({
    rule: 'baseline-allow-shadows-plan',
    triggers: { policies: [], clusterPolicies: [acceptFromBare] },
    clean: { policies: [shopDenyIngress], clusterPolicies: [acceptFromBare] },
  });

  it.each([
    ['no NetworkPolicy: both pods open', [], [acceptFromBare], /accepts ingress of 2 pod\(s\)/],
    ['db under a NetworkPolicy: web-1 open', [webToDb], [acceptFromBare], /accepts ingress of 1 pod\(s\).*\(shop\/web-1\)/],
    ['an ingress default-deny does not cover egress', [shopDenyIngress], [acceptToBare], /accepts egress of 2 pod\(s\)/],
    ['every pod under a NetworkPolicy', [shopDenyIngress], [acceptFromBare], undefined],
    ['an Accept in the Admin tier is not a Baseline allow', [], [adminAccept], undefined],
  ] as const)('%s', (_, policies, clusterPolicies, message) => {
    const findings = findingsOf('baseline-allow-shadows-plan', { policies: [...policies], clusterPolicies: [...clusterPolicies] });
    if (message === undefined) expect(findings).toEqual([]);
    else {
      expect(findings).toHaveLength(1);
      expect(findings[0]?.message).toMatch(message);
      expect(findings[0]?.message).toMatch(/\(Baseline, priority 50\)/);
    }
  });
});
