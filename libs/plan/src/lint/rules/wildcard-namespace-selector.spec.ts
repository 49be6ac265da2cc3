import { inventory, itTriggersOnlyWhenItShould, np, tiers, webToDb } from '../../../../../test/support/plan/lint-cluster';
import { lintPolicies } from '../../index';

describe('wildcard-namespace-selector', () => {
  itTriggersOnlyWhenItShould({
    rule: 'wildcard-namespace-selector',
    triggers: {
      policies: [
        np('shop', 'w', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }],
        }),
      ],
    },
    clean: { policies: [webToDb] },
  });

  it('rates the intended DNS wildcard as info, not warning', () => {
    const dnsServer = np('kube-system', 'dns', {
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }],
    });
    const findings = lintPolicies(inventory, [dnsServer], { tiers });
    expect(findings.find((f) => f.rule === 'wildcard-namespace-selector')?.severity).toBe('info');
  });
});
