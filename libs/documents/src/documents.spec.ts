import { DocumentError, parseJson, parseYaml, parseYamlDocuments } from './index';

const KB = 1024;
const limits = { maxExpandedBytes: 64 * KB, maxDepth: 20 };

/** Ten levels of ten aliases each: 10^10 "lol"s from under a kilobyte of text. */
const billionLaughs = [
  'a0: &a0 "lol"',
  ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`),
].join('\n');

const refusal = (read: () => unknown): DocumentError => {
  try {
    read();
  } catch (error) {
    if (error instanceof DocumentError) return error;
    throw error;
  }
  throw new Error('the document was accepted');
};

describe('bounded YAML', () => {
  it('reads ordinary documents, aliases included, into plain values', () => {
    expect(parseYaml('base: &b { port: 80 }\nother: *b\n', limits)).toEqual({ base: { port: 80 }, other: { port: 80 } });
    expect(parseYamlDocuments('a: 1\n---\nb: 2\n', limits)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('refuses a billion laughs before expanding it', () => {
    expect(refusal(() => parseYaml(billionLaughs, limits)).message).toMatch(
      /grows past the limit of 0.06 MB once its aliases are expanded/,
    );
  });

  it('refuses a large anchor referenced many times, though each alias alone is small', () => {
    const text = `big: &big "${'x'.repeat(40 * KB)}"\nrefs: [${Array(500).fill('*big').join(', ')}]\n`;
    expect(text.length).toBeLessThan(limits.maxExpandedBytes);
    expect(refusal(() => parseYaml(text, limits)).message).toMatch(/grows past the limit/);
  });

  it('accepts the same anchor referenced as often as the limit allows', () => {
    const text = `big: &big "${'x'.repeat(10 * KB)}"\nrefs: [*big, *big, *big, *big]\n`;
    expect((parseYaml(text, limits) as { refs: string[] }).refs).toHaveLength(4);
  });

  it('counts the documents of a stream against one budget', () => {
    const one = `v: "${'x'.repeat(40 * KB)}"\n`;
    expect(() => parseYamlDocuments(one, limits)).not.toThrow();
    const error = refusal(() => parseYamlDocuments(`${one}---\n${one}`, limits));
    expect(error.document).toBe(2);
  });

  it('refuses an alias inside the node it refers to (an infinite value)', () => {
    expect(refusal(() => parseYaml('a: &a [1, *a]\n', limits)).message).toMatch(/alias \(\*a\) inside the node it refers to/);
  });

  it('refuses nesting past the depth limit, directly or through an alias', () => {
    expect(refusal(() => parseYaml(`${'['.repeat(30)}${']'.repeat(30)}`, limits)).message).toMatch(
      /nested deeper than the limit of 20 levels/,
    );
    // Deep enough to overflow the parser's own stack: still the depth limit, not "not YAML".
    expect(refusal(() => parseYaml(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, limits)).message).toMatch(/nested deeper/);
    const deepAnchor = `a: &deep ${'['.repeat(15)}${']'.repeat(15)}\nb: ${'['.repeat(10)}*deep${']'.repeat(10)}\n`;
    expect(refusal(() => parseYaml(deepAnchor, limits)).message).toMatch(/nested deeper/);
  });

  it('refuses more anchors and aliases than yaml resolves in reasonable time, though each is tiny', () => {
    const text = `a: &a 1\nb: [${Array(20_000).fill('*a').join(', ')}]\n`;
    expect(refusal(() => parseYaml(text, { maxExpandedBytes: 1024 * KB, maxDepth: 20 })).message).toMatch(
      /more than the limit of 10000 anchors and aliases/,
    );
  });

  it('says which document of a stream is not YAML', () => {
    const error = refusal(() => parseYamlDocuments('a: 1\n---\nb: [\n', limits));
    expect([error.document, error.message]).toEqual([2, expect.stringMatching(/^is not valid YAML/)]);
  });

  it('refuses an alias with no anchor before it as unreadable, instead of failing as it converts', () => {
    for (const text of ['*nothing', 'a: *nothing', '*' + '*'.repeat(300)]) {
      expect(() => parseYaml(text, limits)).toThrow(
        expect.objectContaining({ kind: 'unreadable', message: expect.stringMatching(/has no anchor before it/) }),
      );
    }
  });

  it('refuses a stream where one document is expected', () => {
    expect(refusal(() => parseYaml('a: 1\n---\nb: 2\n', limits)).message).toMatch(/holds 2 YAML documents/);
  });
});

describe('bounded JSON', () => {
  it('reads JSON', () => {
    expect(parseJson('{"a": [1, {"b": "[[[[["}]}', limits)).toEqual({ a: [1, { b: '[[[[[' }] });
  });

  it('refuses nesting past the depth limit without building it', () => {
    expect(refusal(() => parseJson('['.repeat(1_000_000) + ']'.repeat(1_000_000), limits)).message).toMatch(
      /nested deeper than the limit of 20 levels/,
    );
  });

  it('is not fooled by brackets inside strings, escaped quotes included', () => {
    expect(parseJson(JSON.stringify({ s: `\\"${'['.repeat(50)}` }), limits)).toEqual({ s: `\\"${'['.repeat(50)}` });
  });

  it('says why text is not JSON', () => {
    expect(refusal(() => parseJson('{"a": ', limits)).message).toMatch(/^is not valid JSON/);
  });
});
