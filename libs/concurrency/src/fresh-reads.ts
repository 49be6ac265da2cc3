/**
 * Reads shared without being stale: every caller gets the outcome of a read that started after it
 * called, so it sees whatever was written before it asked, as if it had read alone. While a read of a
 * key is under way, the callers that arrive wait for the next read of that key, which starts once the
 * one under way settles and which they all share. Under load a key is read at most twice at a time
 * (one under way, one waiting to start), however many callers want it; alone, a caller reads at once.
 * Outcomes are not kept, errors included: once a read has settled, the next caller reads again.
 */
export class FreshReads<T> {
  private readonly underway = new Map<string, Promise<T>>();
  private readonly waiting = new Map<string, Promise<T>>();

  /** How many keys have a read under way or waiting to start. */
  get size(): number {
    return new Set([...this.underway.keys(), ...this.waiting.keys()]).size;
  }

  read(key: string, read: () => Promise<T>): Promise<T> {
    const waiting = this.waiting.get(key);
    if (waiting) return waiting;
    const underway = this.underway.get(key);
    if (!underway) return this.start(key, read);
    const next = underway.then(
      () => this.startWaiting(key, read),
      () => this.startWaiting(key, read),
    );
    this.waiting.set(key, next);
    return next;
  }

  private startWaiting(key: string, read: () => Promise<T>): Promise<T> {
    this.waiting.delete(key);
    return this.start(key, read);
  }

  private start(key: string, read: () => Promise<T>): Promise<T> {
    const result: Promise<T> = new Promise<T>((resolve) => resolve(read())).finally(() => {
      if (this.underway.get(key) === result) this.underway.delete(key);
    });
    this.underway.set(key, result);
    return result;
  }
}
