import { inventory, itTriggersOnlyWhenItShould, tiers, webToDb } from '../../../../../test/support/plan/lint-cluster';
import { lintPolicies } from '../../index';

describe('cni-enforcement-unknown', () => {
  itTriggersOnlyWhenItShould({
    rule: 'cni-enforcement-unknown',
    triggers: { policies: [webToDb], context: { cni: 'frobnet' } },
    clean: { policies: [webToDb], context: { cni: 'calico' } },
  });

  it('calls the registered unknown CNI unknown, and says nothing when there is no policy', () => {
    expect(lintPolicies(inventory, [webToDb], { tiers, cni: 'unknown' }).some((f) => f.rule === 'cni-enforcement-unknown')).toBe(true);
    expect(lintPolicies(inventory, [], { tiers, cni: 'unknown' }).some((f) => f.rule === 'cni-enforcement-unknown')).toBe(false);
  });
});
