/**
 * Runs work one at a time per key, in the order it came, in this process. The git delivery queues its
 * work on a cache repository here: commands in one repository could run side by side, but steps of one
 * wave would then race each other's pushes and start over, one push in every few.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    // A tail never fails: each one waits for the work before it, whatever came of it.
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // The last one out leaves no entry behind: the map holds only keys with work waiting or running.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** How many keys have work waiting or running. */
  get size(): number {
    return this.tails.size;
  }
}
