import { auditable } from './refusal-audit';

describe('auditable', () => {
  it('writes invisible and control characters as \\u{...}, as printable does', () => {
    expect(auditable('ad\u202Emin\u0000')).toBe('ad\\u{202e}min\\u{0}');
  });

  it('cuts what an attacker typed to a readable length', () => {
    expect(auditable('x'.repeat(10_000))).toHaveLength(100);
  });
});
