import { itTriggersOnlyWhenItShould, np, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('shadowed-rule', () => {
  itTriggersOnlyWhenItShould({
    rule: 'shadowed-rule',
    triggers: {
      policies: [
        webToDb,
        np('shop', 'db-from-shop', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: {} }], ports: [{ port: 5432 }] }],
        }),
      ],
    },
    clean: {
      policies: [
        webToDb,
        np('shop', 'db-from-shop', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } }, podSelector: {} }], ports: [{ port: 9187 }] }],
        }),
      ],
    },
  });
});
