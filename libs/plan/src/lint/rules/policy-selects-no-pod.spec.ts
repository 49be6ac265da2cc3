import { itTriggersOnlyWhenItShould, np, shopPeer, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('policy-selects-no-pod', () => {
  itTriggersOnlyWhenItShould({
    rule: 'policy-selects-no-pod',
    triggers: {
      policies: [
        np('shop', 'typo', {
          podSelector: { matchLabels: { app: 'dbb' } },
          ingress: [{ from: [shopPeer('web')], ports: [{ port: 5432 }] }],
        }),
      ],
    },
    clean: { policies: [webToDb] },
  });
});
