import { deferred, settled } from '../../../test/support/deferred';
import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('runs at most its size of tasks at once', async () => {
    const slots = new Semaphore(3);
    const gates = Array.from({ length: 8 }, () => deferred());
    let running = 0;
    let most = 0;
    const tasks = gates.map((gate) =>
      slots.run(async () => {
        most = Math.max(most, ++running);
        await gate.promise;
        running--;
      }),
    );
    await settled();
    expect([running, slots.queued]).toEqual([3, 5]);
    for (const gate of gates) {
      gate.resolve();
      await settled();
    }
    await Promise.all(tasks);
    expect(most).toBe(3);
    expect(slots.queued).toBe(0);
  });

  it('starts waiting tasks in the order they arrived, and a newcomer never takes a freed slot from them', async () => {
    const slots = new Semaphore(1);
    const started: string[] = [];
    const gates = { a: deferred(), b: deferred(), c: deferred(), d: deferred() };
    const run = (name: keyof typeof gates) => slots.run(() => (started.push(name), gates[name].promise));
    const tasks = [run('a'), run('b'), run('c')];
    await settled();
    gates.a.resolve();
    await tasks[0];
    tasks.push(run('d')); // arrives as a's slot is handed on
    await settled();
    expect(started).toEqual(['a', 'b']);
    gates.b.resolve();
    gates.c.resolve();
    gates.d.resolve();
    await Promise.all(tasks);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it("gives a failed task's slot back, and the failure to its caller only", async () => {
    const slots = new Semaphore(1);
    const failed = slots.run(() => Promise.reject(new Error('lock lost')));
    const thrown = slots.run(() => {
      throw new Error('no connection');
    });
    const next = slots.run(async () => 'ran');
    await expect(failed).rejects.toThrow('lock lost');
    await expect(thrown).rejects.toThrow('no connection');
    expect(await next).toBe('ran');
    expect(slots.queued).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %p slots', (size) => {
    expect(() => new Semaphore(size)).toThrow(RangeError);
  });
});
