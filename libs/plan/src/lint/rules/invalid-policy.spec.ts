import { itTriggersOnlyWhenItShould, np, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('invalid-policy', () => {
  itTriggersOnlyWhenItShould({
    rule: 'invalid-policy',
    triggers: {
      policies: [
        np('shop', 'bad', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ protocol: 'TCP', port: 70000 }] }] }),
      ],
    },
    clean: { policies: [webToDb] },
  });
});
