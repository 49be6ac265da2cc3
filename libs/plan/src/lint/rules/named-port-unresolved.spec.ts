import { itTriggersOnlyWhenItShould, np, shopPeer } from '../../../../../test/support/plan/lint-cluster';

describe('named-port-unresolved', () => {
  itTriggersOnlyWhenItShould({
    rule: 'named-port-unresolved',
    triggers: {
      policies: [
        np('shop', 'named', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [shopPeer('web')], ports: [{ port: 'postgress' }] }],
        }),
      ],
    },
    clean: {
      policies: [
        np('shop', 'named', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [shopPeer('web')], ports: [{ port: 'postgres' }] }],
        }),
      ],
    },
  });
});
