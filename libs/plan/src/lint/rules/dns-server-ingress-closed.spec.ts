import { itTriggersOnlyWhenItShould, np } from '../../../../../test/support/plan/lint-cluster';

describe('dns-server-ingress-closed', () => {
  itTriggersOnlyWhenItShould({
    rule: 'dns-server-ingress-closed',
    triggers: { policies: [np('kube-system', 'deny', { policyTypes: ['Ingress'] })] },
    clean: {
      policies: [
        np('kube-system', 'deny', { policyTypes: ['Ingress'] }),
        np('kube-system', 'dns', {
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }],
        }),
      ],
    },
  });
});
