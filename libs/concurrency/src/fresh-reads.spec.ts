import { deferred, type Deferred, settled } from '../../../test/support/deferred';
import { FreshReads } from './fresh-reads';

/** A read whose answers the test gives, one per start: `nth(1)` is the first read that started. */
function scriptedRead() {
  const started: Array<Deferred<number>> = [];
  const nth = (n: number): Deferred<number> => {
    const answer = started[n - 1];
    if (!answer) throw new Error(`read ${n} has not started (${started.length} have)`);
    return answer;
  };
  return {
    started,
    nth,
    read: () => {
      const answer = deferred<number>();
      started.push(answer);
      return answer.promise;
    },
  };
}

describe('FreshReads', () => {
  it('reads at once for a caller alone', async () => {
    const reads = new FreshReads<number>();
    const { started, nth, read } = scriptedRead();
    const value = reads.read('k', read);
    expect(started).toHaveLength(1);
    nth(1).resolve(7);
    expect(await value).toBe(7);
  });

  it('never answers a caller with a read that started before it called: callers during a read share the next one', async () => {
    const reads = new FreshReads<number>();
    const { started, nth, read } = scriptedRead();
    const first = reads.read('k', read);
    const during = [reads.read('k', read), reads.read('k', read), reads.read('k', read)];
    expect(started).toHaveLength(1);
    nth(1).resolve(1);
    expect(await first).toBe(1);
    await settled();
    expect(started).toHaveLength(2);
    nth(2).resolve(2);
    expect(await Promise.all(during)).toEqual([2, 2, 2]);
  });

  it('lets a caller who arrives while the next read waits to start join it, and one who arrives once it started wait for another', async () => {
    const reads = new FreshReads<number>();
    const { started, nth, read } = scriptedRead();
    void reads.read('k', read);
    const second = reads.read('k', read);
    nth(1).resolve(1);
    const joining = reads.read('k', read);
    await settled();
    expect(started).toHaveLength(2);
    const third = reads.read('k', read);
    nth(2).resolve(2);
    await settled();
    expect(started).toHaveLength(3);
    nth(3).resolve(3);
    expect([await second, await joining, await third]).toEqual([2, 2, 3]);
  });

  it('keeps the reads of different keys apart', async () => {
    const reads = new FreshReads<string>();
    const a = reads.read('a', async () => 'A');
    const b = reads.read('b', async () => 'B');
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  it('gives a failed read to its own callers only: the callers waiting for the next read get that one', async () => {
    const reads = new FreshReads<number>();
    const { nth, read } = scriptedRead();
    const failing = [reads.read('k', read), reads.read('k', read)];
    const [first, waiting] = failing;
    nth(1).reject(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settled();
    nth(2).resolve(5);
    expect(await waiting).toBe(5);
  });

  it('gives a read that throws before it returns a promise to its callers as a failure', async () => {
    const reads = new FreshReads<number>();
    await expect(
      reads.read('k', () => {
        throw new Error('no connection');
      }),
    ).rejects.toThrow('no connection');
    expect(await reads.read('k', async () => 1)).toBe(1);
  });

  it('keeps nothing once its reads have settled: the next caller reads again', async () => {
    const reads = new FreshReads<number>();
    let count = 0;
    const read = async () => ++count;
    expect(await reads.read('k', read)).toBe(1);
    expect(await reads.read('k', read)).toBe(2);
    await Promise.all([reads.read('k', read), reads.read('k', read)]);
    expect(reads.size).toBe(0);
  });
});
