import { compileSelector, selectorKey } from './selector';
import type { LabelSelector } from './types';

const cases: [string, LabelSelector, Record<string, string>, boolean][] = [
  ['empty selector matches everything', {}, {}, true],
  ['empty matchLabels matches everything', { matchLabels: {} }, { a: '1' }, true],
  ['matchLabels equal', { matchLabels: { app: 'web' } }, { app: 'web', x: 'y' }, true],
  ['matchLabels different value', { matchLabels: { app: 'web' } }, { app: 'db' }, false],
  ['matchLabels missing key', { matchLabels: { app: 'web' } }, {}, false],
  ['matchLabels: every pair must hold', { matchLabels: { app: 'web', tier: 'fe' } }, { app: 'web' }, false],
  ['In: listed value', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, { app: 'b' }, true],
  ['In: key absent', { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }, {}, false],
  ['NotIn: key absent matches', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, {}, true],
  ['NotIn: listed value', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['a'] }] }, { app: 'a' }, false],
  ['Exists', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, { app: '' }, true],
  ['DoesNotExist', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, { app: 'x' }, false],
  [
    'labels and expressions are ANDed',
    { matchLabels: { tier: 'fe' }, matchExpressions: [{ key: 'app', operator: 'Exists' }] },
    { tier: 'fe' },
    false,
  ],
  ['an unknown operator matches nothing', { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] }, { app: 'a' }, false],
  ['inherited object keys are not labels', { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}, false],
];

describe('label selectors', () => {
  test.each(cases)('%s', (_name, selector, labels, expected) => {
    expect(compileSelector(selector)(labels)).toBe(expected);
  });
  test('selectorKey ignores order', () => {
    expect(selectorKey({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['y', 'x'] }] })).toBe(
      selectorKey({ matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }], matchLabels: { a: '1', b: '2' } }),
    );
  });
});
