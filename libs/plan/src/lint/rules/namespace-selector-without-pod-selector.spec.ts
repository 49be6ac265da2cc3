import { itTriggersOnlyWhenItShould, np, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('namespace-selector-without-pod-selector', () => {
  itTriggersOnlyWhenItShould({
    rule: 'namespace-selector-without-pod-selector',
    triggers: {
      policies: [
        np('shop', 'n', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }], ports: [{ port: 5432 }] }],
        }),
      ],
    },
    clean: { policies: [webToDb] },
  });
});
