import { deferred, settled } from '../../../test/support/deferred';
import { KeyedQueue } from './keyed-queue';

describe('KeyedQueue', () => {
  it('runs the tasks of one key one at a time, in the order they were handed in', async () => {
    const queue = new KeyedQueue();
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()] as const;
    const started: number[] = [];
    const results = gates.map((gate, i) => queue.run('cluster-a', () => (started.push(i), gate.promise)));
    await settled();
    expect(started).toEqual([0]);
    gates[0].resolve('first');
    await settled();
    expect(started).toEqual([0, 1]);
    gates[2].resolve('third'); // ending a later task early does not let it go first
    await settled();
    expect(started).toEqual([0, 1]);
    gates[1].resolve('second');
    expect(await Promise.all(results)).toEqual(['first', 'second', 'third']);
    expect(started).toEqual([0, 1, 2]);
  });

  it('runs the tasks of different keys side by side', async () => {
    const queue = new KeyedQueue();
    const gate = deferred();
    const started: string[] = [];
    const a = queue.run('cluster-a', () => (started.push('a'), gate.promise));
    const b = queue.run('cluster-b', () => (started.push('b'), gate.promise));
    await settled();
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await Promise.all([a, b]);
  });

  it('fails only the caller of a failing task, and runs the next task of its key', async () => {
    const queue = new KeyedQueue();
    const rejected = queue.run('cluster-a', () => Promise.reject(new Error('write refused')));
    const thrown = queue.run('cluster-a', () => {
      throw new Error('decided badly');
    });
    const next = queue.run('cluster-a', async () => 'ran');
    await expect(rejected).rejects.toThrow('write refused');
    await expect(thrown).rejects.toThrow('decided badly');
    expect(await next).toBe('ran');
  });

  it('forgets a key once its last task has settled, whether it succeeded or failed', async () => {
    const queue = new KeyedQueue();
    const gate = deferred();
    const first = queue.run('cluster-a', () => gate.promise);
    const second = queue.run('cluster-a', () => Promise.reject(new Error('no')));
    const other = queue.run('cluster-b', async () => undefined);
    expect(queue.size).toBe(2);
    await other;
    expect(queue.size).toBe(1);
    gate.resolve();
    await first;
    expect(queue.size).toBe(1); // the second task still holds the key
    await expect(second).rejects.toThrow('no');
    expect(queue.size).toBe(0);
  });
});
