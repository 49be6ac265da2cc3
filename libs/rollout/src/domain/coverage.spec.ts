import { type CoverageChoice, decideCoverage, type PlannedNamespace } from './coverage';

const PLANNED: PlannedNamespace[] = [
  { namespace: 'kube-system', tier: null, policies: 3 },
  { namespace: 'legacy-reporting', tier: null, policies: 2 },
  { namespace: 'shop-dev', tier: 'dev', policies: 4 },
  { namespace: 'shop-prod', tier: 'prod', policies: 4 },
];

describe('the coverage of a rollout', () => {
  it('refuses a namespace without a tier that is neither assigned nor excluded, naming it and what to do', () => {
    const { problems } = decideCoverage(PLANNED, {}, 7);
    expect(problems.map((p) => p.field)).toEqual(['assign.kube-system', 'assign.legacy-reporting']);
    expect(problems[0]!.reason).toContain('recommended: exclude it: kube-system is a system namespace');
    expect(problems[1]!.reason).toContain('assign it a stage');
  });

  it('places every namespace in a stage or in the excluded list, in the plan order', () => {
    const coverage = decideCoverage(
      PLANNED,
      { assign: { 'legacy-reporting': 'prod' }, exclude: [{ namespace: 'kube-system', reason: 'system namespace' }] },
      7,
    );
    expect(coverage.problems).toEqual([]);
    expect(coverage.staged).toEqual([
      { namespace: 'legacy-reporting', tier: 'prod' },
      { namespace: 'shop-dev', tier: 'dev' },
      { namespace: 'shop-prod', tier: 'prod' },
    ]);
    expect(coverage.excluded).toEqual([{ namespace: 'kube-system', reason: 'system namespace' }]);
  });

  it("excludes, saying so, the plan's namespaces a request that chose some left out", () => {
    const coverage = decideCoverage(PLANNED, { namespaces: ['shop-dev'] }, 7);
    expect(coverage.staged).toEqual([{ namespace: 'shop-dev', tier: 'dev' }]);
    expect(coverage.excluded.map((e) => e.namespace)).toEqual(['kube-system', 'legacy-reporting', 'shop-prod']);
    expect(coverage.excluded.every((e) => e.reason.length > 0)).toBe(true);
  });

  it.each<[string, CoverageChoice, string]>([
    ['an exclusion of a namespace the plan does not have', { exclude: [{ namespace: 'nope', reason: 'x' }] }, 'exclude[0].namespace'],
    [
      'a namespace both assigned and excluded',
      { assign: { 'shop-dev': 'prod' }, exclude: [{ namespace: 'shop-dev', reason: 'x' }] },
      'assign.shop-dev',
    ],
    ['an assignment of a namespace the plan does not have', { assign: { nope: 'dev' } }, 'assign.nope'],
  ])('refuses %s', (_name, choice, field) => {
    const assign = { 'kube-system': 'prod' as const, 'legacy-reporting': 'prod' as const, ...choice.assign };
    expect(decideCoverage(PLANNED, { ...choice, assign }, 7).problems.map((p) => p.field)).toContain(field);
  });
});
