// What holds across the rules: a plain YAML of policies, no pod listed, is linted without claims about
// what the selectors match; a second pass over the same cluster leaves the cluster checks out.
import { buildInventory, snapshotFromDocuments } from '@bulkhead/netpol';
import { inventory, tiers, webToDb } from '../../../../test/support/plan/lint-cluster';
import { lintPolicies } from '../index';

describe('lintPolicies', () => {
  it('lints a YAML of policies without pods without claiming they select nothing', () => {
    const empty = buildInventory(snapshotFromDocuments([webToDb]));
    const findings = lintPolicies(empty, [webToDb]);
    expect(
      findings.filter((f) => ['policy-selects-no-pod', 'selector-matches-nothing', 'namespace-missing-labels'].includes(f.rule)),
    ).toEqual([]);
  });

  it('leaves the cluster checks out of a second pass', () => {
    const clusterRules = ['cni-not-enforcing', 'namespace-missing-labels'];
    expect(lintPolicies(inventory, [webToDb], { cni: 'flannel' }).filter((f) => clusterRules.includes(f.rule)).length).toBeGreaterThan(0);
    expect(
      lintPolicies(inventory, [webToDb], { tiers, cni: 'flannel', skipClusterChecks: true }).filter((f) => clusterRules.includes(f.rule)),
    ).toEqual([]);
  });
});
