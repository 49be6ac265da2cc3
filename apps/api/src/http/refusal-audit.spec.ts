import { printable } from './refusal-audit';

describe('printable', () => {
  it.each([
    ['alice', 'alice'],
    ['ad\u202Emin', 'ad\\u{202e}min'],
    ['a\u0000b\nc', 'a\\u{0}b\\u{a}c'],
    ['\uFEFFroot', '\\u{feff}root'],
    ['déploiement', 'déploiement'],
  ])('shows %j as %j', (typed, shown) => {
    expect(printable(typed)).toBe(shown);
  });

  it('cuts what an attacker typed to a readable length', () => {
    expect(printable('x'.repeat(10_000))).toHaveLength(100);
  });
});
