import { gunzipSync } from 'node:zlib';
import { SerializedAnswer, SerializedAnswers } from './serialized-answers';

describe('serialized answers', () => {
  it('makes an answer once per key and serves the same JSON after', async () => {
    const answers = new SerializedAnswers(1000);
    let made = 0;
    const make = async () => ({ made: ++made });
    expect((await answers.get('plan:1', make)).json).toBe('{"made":1}');
    expect((await answers.get('plan:1', make)).json).toBe('{"made":1}');
    expect((await answers.get('plan:2', make)).json).toBe('{"made":2}');
  });

  it('lets callers who ask for one key at once share one making', async () => {
    const answers = new SerializedAnswers(1000);
    let made = 0;
    const make = () => new Promise((resolve) => setTimeout(() => resolve({ made: ++made }), 10));
    const [first, second] = await Promise.all([answers.get('k', make), answers.get('k', make)]);
    expect(first).toBe(second);
    expect(first.json).toBe('{"made":1}');
  });

  it('keeps no more than its budget, dropping the least recently used first', async () => {
    const answers = new SerializedAnswers(25); // two answers of 12 characters
    let made = 0;
    const make = async () => ({ n: `${++made}`.padStart(4, '0') }); // {"n":"0001"}
    await answers.get('a', make);
    await answers.get('b', make);
    await answers.get('a', make); // a is now the most recently used
    await answers.get('c', make); // over budget: b leaves
    expect((await answers.get('a', make)).json).toBe('{"n":"0001"}');
    expect((await answers.get('b', make)).json).toBe('{"n":"0004"}');
  });

  it('does not keep an answer larger than the whole budget, nor a failed making', async () => {
    const answers = new SerializedAnswers(5);
    let made = 0;
    await answers.get('big', async () => ({ made: ++made }));
    expect((await answers.get('big', async () => ({ made: ++made }))).json).toBe('{"made":2}');
    await expect(answers.get('failing', () => Promise.reject(new Error('no database')))).rejects.toThrow('no database');
    expect((await answers.get('failing', async () => 1)).json).toBe('1');
  });

  it('compresses an answer once, to the same JSON', async () => {
    const answer = await new SerializedAnswers(1000).get('plan:1', async () => ({ policies: Array(100).fill('allow-dns') }));
    const gzipped = await answer.gzip();
    expect(await answer.gzip()).toBe(gzipped);
    expect(gunzipSync(gzipped).toString()).toBe(answer.json);
    expect(gzipped.length).toBeLessThan(answer.json.length / 4);
  });

  it('tags an answer by its JSON: the same JSON has the same weak tag, a different one another', () => {
    const tagOf = (value: unknown) => new SerializedAnswer(JSON.stringify(value)).etag;
    expect(tagOf({ version: 3 })).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
    expect(tagOf({ version: 3 })).toBe(tagOf({ version: 3 }));
    expect(tagOf({ version: 4 })).not.toBe(tagOf({ version: 3 }));
  });
});
