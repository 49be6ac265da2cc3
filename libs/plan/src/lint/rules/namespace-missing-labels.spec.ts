import { itTriggersOnlyWhenItShould, tiers, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('namespace-missing-labels', () => {
  itTriggersOnlyWhenItShould({
    rule: 'namespace-missing-labels',
    triggers: { policies: [webToDb], context: { tiers: undefined } },
    clean: { policies: [webToDb], context: { tiers } },
  });
});
