/**
 * At most `size` tasks at once; the others wait, and start in the order they arrived. A slot that a task
 * gives back (whether it succeeded or failed) goes straight to the longest waiting task, so a task that
 * arrives later can never overtake one that waits.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a semaphore needs a whole number of slots, at least 1 (got ${size})`);
  }

  /** How many tasks wait for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes on, still counted as running
      else this.running--;
    }
  }
}
