import { KeyedQueue } from './keyed-queue';

const deferred = () => {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
};

describe('a queue per key', () => {
  it('runs work of one key one at a time, in order, and of other keys side by side', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const gate = deferred();
    const first = queue.run('repo-a', async () => {
      log.push('a1 start');
      await gate.promise;
      log.push('a1 end');
    });
    const second = queue.run('repo-a', async () => void log.push('a2'));
    const other = queue.run('repo-b', async () => void log.push('b1'));
    await other;
    expect(log).toEqual(['a1 start', 'b1']);
    gate.release();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('goes on after work that failed, which fails its own caller only', async () => {
    const queue = new KeyedQueue();
    const failed = queue.run('repo', async () => {
      throw new Error('push refused');
    });
    const next = queue.run('repo', async () => 'pushed');
    await expect(failed).rejects.toThrow('push refused');
    await expect(next).resolves.toBe('pushed');
  });

  it('keeps no key once its work is done', async () => {
    const queue = new KeyedQueue();
    await Promise.all([queue.run('a', async () => 1), queue.run('b', async () => 2)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.size).toBe(0);
  });
});
