import { controlCharacterProblems, identifierCharacterProblem, identifierSchema, printable, textCharacterProblem } from './text';

describe('which characters text and identifiers may hold', () => {
  it.each(['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f'])(
    'refuses U+%s in text and in identifiers',
    (char) => {
      expect(textCharacterProblem(`a${char}b`)).toMatch(/control character U\+00[0-9A-F]{2}/);
      expect(identifierCharacterProblem(`a${char}b`)).not.toBeNull();
    },
  );

  it('keeps tab, line feed and carriage return in text, and refuses them in identifiers', () => {
    for (const char of ['\t', '\n', '\r']) {
      expect(textCharacterProblem(`a${char}b`)).toBeNull();
      expect(identifierCharacterProblem(`a${char}b`)).not.toBeNull();
    }
  });

  it('accepts ordinary Unicode in both', () => {
    expect(textCharacterProblem('Zürich – 東京 ✓')).toBeNull();
    expect(identifierCharacterProblem('müller@example.com')).toBeNull();
  });

  it('identifierSchema refuses a control character with a message', () => {
    expect(identifierSchema(10).safeParse('ok').success).toBe(true);
    expect(identifierSchema(10).safeParse('a\tb').error?.issues[0]?.message).toBe(
      'must not contain invisible, control or text-direction characters',
    );
    expect(identifierSchema(10).safeParse('admin\u202e').success).toBe(false);
  });

  it('refuses unpaired surrogates, which PostgreSQL refuses, in text and names alike; a paired one is a character like any', () => {
    expect(textCharacterProblem('a\ud800b')).toBe('contains the unpaired surrogate U+D800');
    expect(identifierCharacterProblem('\udc00')).toBe('contains the unpaired surrogate U+DC00; names may not hold any');
    expect(textCharacterProblem('emoji \ud83d\ude00')).toBeNull();
    expect(printable('a\ud800b')).toBe('a\\u{d800}b');
  });
});

describe('printable', () => {
  it.each([
    ['alice', 'alice'],
    ['déploiement \ud83d\ude00', 'déploiement \ud83d\ude00'],
    ['ad\u202Emin', 'ad\\u{202e}min'],
    ['a\u0000b\u001bc\u007f', 'a\\u{0}b\\u{1b}c\\u{7f}'],
    ['\uFEFFroot\u200B', '\\u{feff}root\\u{200b}'],
    ['line one\r\nline two\tcolumn', 'line one\\u{d}\nline two\tcolumn'],
    ['private \uE000 unassigned \u0378', 'private \\u{e000} unassigned \\u{378}'],
  ])('shows %j as %j', (typed, shown) => {
    expect(printable(typed)).toBe(shown);
  });
});

describe('controlCharacterProblems walks a parsed document', () => {
  it('names every string that breaks the rule by its path', () => {
    const value = { username: 'a\u0000', items: [{ metadata: { name: 'ok' } }, { metadata: { name: 'x\u0007' } }], note: 'fine\n' };
    expect(controlCharacterProblems(value, 'body')).toEqual([
      { field: 'body.username', reason: 'contains the control character U+0000' },
      { field: 'body.items[1].metadata.name', reason: 'contains the control character U+0007' },
    ]);
  });

  it('names the object holding a key with a control character', () => {
    expect(controlCharacterProblems({ labels: { 'a\u0000': 'x' } }, 'body')).toEqual([
      { field: 'body.labels', reason: expect.stringMatching(/^has a key that contains/) },
    ]);
  });

  it('reports at most twenty problems', () => {
    expect(
      controlCharacterProblems(
        Array.from({ length: 1000 }, () => '\u0000'),
        'body',
      ),
    ).toHaveLength(20);
  });

  it('walks a document nested a hundred thousand levels deep without overflowing the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [problem] = controlCharacterProblems(deep, 'body');
    expect(problem?.field).toBe(`body${'[0]'.repeat(100_000)}`);
  });
});
