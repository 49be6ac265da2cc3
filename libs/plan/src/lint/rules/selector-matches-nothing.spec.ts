import { itTriggersOnlyWhenItShould, np, shopPeer, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('selector-matches-nothing', () => {
  itTriggersOnlyWhenItShould({
    rule: 'selector-matches-nothing',
    triggers: {
      policies: [
        np('shop', 'typo', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [shopPeer('wbe')], ports: [{ port: 5432 }] }],
        }),
      ],
    },
    clean: { policies: [webToDb] },
  });
});
