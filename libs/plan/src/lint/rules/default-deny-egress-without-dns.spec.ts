import { dnsEgress, itTriggersOnlyWhenItShould, np } from '../../../../../test/support/plan/lint-cluster';

describe('default-deny-egress-without-dns', () => {
  itTriggersOnlyWhenItShould({
    rule: 'default-deny-egress-without-dns',
    triggers: { policies: [np('shop', 'deny', { policyTypes: ['Ingress', 'Egress'] })] },
    clean: { policies: [np('shop', 'deny', { policyTypes: ['Ingress', 'Egress'] }), dnsEgress] },
  });
});
