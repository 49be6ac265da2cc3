/**
 * Runs tasks one at a time per key, in the order they were handed in, while tasks of different keys run
 * side by side. A task that fails fails its own caller only: the next task of its key still runs. A key
 * is forgotten as soon as its last task has settled, so the queue holds only keys with work in hand.
 */
export class KeyedQueue {
  /** Per key, a promise that settles when the last task handed in for it has settled. */
  private readonly tails = new Map<string, Promise<void>>();

  /** How many keys have a task running or waiting. */
  get size(): number {
    return this.tails.size;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const finished = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => finished);
    this.tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
