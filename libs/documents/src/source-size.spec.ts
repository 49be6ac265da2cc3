import { Parser } from 'yaml';
import { DocumentError } from './limits';
import { checkSourceSize } from './source-size';

const limits = { maxExpandedBytes: 64 * 1024, maxDepth: 20 };
const estimate = (text: string) => checkSourceSize(Array.from(new Parser().parse(text)), limits);

describe('the estimate from the source, before values are built', () => {
  it('refuses a large double-quoted anchor referenced many times (the scalar style yaml decodes most expensively)', () => {
    const text = `a: &big "${'x'.repeat(8 * 1024)}"\nb: [${Array(50).fill('*big').join(', ')}]\n`;
    expect(() => estimate(text)).toThrow(DocumentError);
    expect(() => estimate(text)).toThrow(/grows past the limit/);
  });

  // An alias costs what repeating its anchored node would: wherever the anchor sits.
  it.each([
    ['a value after its key', 'a: &x "0123456789"\nb: *x\n', 'a: &x "0123456789"\nb: "0123456789"\n'],
    ['a key', '&x key0123456789: 1\nb: *x\n', '&x key0123456789: 1\nb: key0123456789\n'],
    ['a map in a sequence entry', '- &x\n  k: "0123456789"\n- *x\n', '- &x\n  k: "0123456789"\n- {k: "0123456789"}\n'],
    ['a block scalar', 'a: &x |\n  0123456789\nb: *x\n', 'a: &x |\n  0123456789\nb: |\n  0123456789\n'],
    ['a flow entry', '[&x "0123456789", *x]\n', '[&x "0123456789", "0123456789"]\n'],
  ])('sizes an alias to %s as its anchored node', (_where, withAlias, repeated) => {
    expect(estimate(withAlias)).toBe(estimate(repeated));
    expect(estimate(withAlias)).toBeGreaterThan(estimate(withAlias.replace('*x', 'n')) + 10);
  });
});
