import { itTriggersOnlyWhenItShould, webToDb } from '../../../../../test/support/plan/lint-cluster';

describe('duplicate-rule', () => {
  itTriggersOnlyWhenItShould({
    rule: 'duplicate-rule',
    triggers: { policies: [webToDb, { ...webToDb, metadata: { ...webToDb.metadata, name: 'db-from-web-2' } }] },
    clean: { policies: [webToDb] },
  });
});
