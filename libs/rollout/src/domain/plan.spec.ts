import { planRollout, type PlanNamespace } from './plan';

const ns = (name: string, tier: PlanNamespace['tier'], dependents = 0): PlanNamespace => ({ name, tier, dependents });

describe('planRollout', () => {
  it.each<[string, PlanNamespace[], number[] | undefined, Array<[string, string[][]]>]>([
    [
      'one namespace per tier',
      [ns('p', 'prod'), ns('d', 'dev'), ns('s', 'staging')],
      undefined,
      [
        ['dev', [['d']]],
        ['staging', [['s']]],
        ['prod', [['p']]],
      ],
    ],
    [
      'tiers without namespaces are left out',
      [ns('p', 'prod'), ns('d', 'dev')],
      undefined,
      [
        ['dev', [['d']]],
        ['prod', [['p']]],
      ],
    ],
    [
      'waves of 1, 2, 4, then 4 again',
      Array.from({ length: 12 }, (_, i) => ns(`n${String(i).padStart(2, '0')}`, 'prod')),
      [1, 2, 4],
      [['prod', [['n00'], ['n01', 'n02'], ['n03', 'n04', 'n05', 'n06'], ['n07', 'n08', 'n09', 'n10'], ['n11']]]],
    ],
    ['fewest dependents first', [ns('a', 'dev', 5), ns('b', 'dev', 0), ns('c', 'dev', 2)], [1], [['dev', [['b'], ['c'], ['a']]]]],
    ['ties by name', [ns('zeta', 'dev', 1), ns('alpha', 'dev', 1), ns('mid', 'dev', 1)], [3], [['dev', [['alpha', 'mid', 'zeta']]]]],
    ['a first wave larger than one', [ns('a', 'dev'), ns('b', 'dev'), ns('c', 'dev')], [2, 5], [['dev', [['a', 'b'], ['c']]]]],
    ['no namespaces, no stages', [], undefined, []],
  ])('%s', (_name, namespaces, waves, expected) => {
    expect(planRollout({ namespaces, waves }).map((s) => [s.tier, s.waves])).toEqual(expected);
  });

  it('is deterministic whatever the input order', () => {
    const list = [ns('a', 'dev', 1), ns('b', 'staging', 0), ns('c', 'dev', 1), ns('d', 'prod', 3), ns('e', 'prod', 0)];
    expect(planRollout({ namespaces: [...list].reverse() })).toEqual(planRollout({ namespaces: list }));
  });

  it('refuses wave sizes that are not positive integers', () => {
    expect(() => planRollout({ namespaces: [ns('a', 'dev')], waves: [1, 0] })).toThrow(RangeError);
  });
});
