import { inventory, itTriggersOnlyWhenItShould, tiers, webToDb } from '../../../../../test/support/plan/lint-cluster';
import { lintPolicies } from '../../index';

describe('cni-not-enforcing', () => {
  itTriggersOnlyWhenItShould({
    rule: 'cni-not-enforcing',
    triggers: { policies: [webToDb], context: { cni: 'flannel' } },
    clean: { policies: [webToDb], context: { cni: 'cilium' } },
  });

  // The CNIs the lint, the cluster views and the simulated driver once disagreed on.
  it.each([
    ['kubenet', true],
    ['Flannel', true],
    ['kindnet', false],
    ['aws-vpc-cni', false],
  ])('%s: not enforcing is %s', (cni, expected) => {
    expect(lintPolicies(inventory, [webToDb], { tiers, cni }).some((f) => f.rule === 'cni-not-enforcing')).toBe(expected);
  });
});
