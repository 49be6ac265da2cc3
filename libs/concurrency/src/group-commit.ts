/** What one item of a batch came to: its value, or what it failed with. */
export type Settled<R> = { value: R } | { error: unknown };

/** Writes a batch of items of one key and answers, in the same order, what each one came to. */
export type Commit<I, R> = (key: string, items: readonly I[]) => Promise<Settled<R>[]>;

/** Starts a batch's flush when it is the batch's turn (at once, or queued behind other work). */
export type Schedule = (flush: () => Promise<void>) => Promise<unknown>;

interface Waiting<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items handed in for a key while that key's batch waits for its turn join the batch, and
 * the batch is committed as one, its items in the order they came. Under load, writes that are serial by
 * nature (one key's) each carry several items instead of queueing one by one.
 *
 * `commit` answers per item, so that one item can fail while the others count. When it fails as a whole,
 * each item of the batch is committed again on its own, one after the other, so that the error reaches
 * only the callers it is about: `commit` must leave nothing written when it throws.
 */
export class GroupCommit<I, R> {
  /** Per key, the batch that has not started yet: the one new items join. */
  private readonly open = new Map<string, Array<Waiting<I, R>>>();

  constructor(private readonly commit: Commit<I, R>) {}

  /** How many keys have a batch waiting for its turn. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Adds `item` to the waiting batch of `key`, or opens a batch and hands its flush to `schedule`, which
   * decides when it runs. A batch closes when its flush starts: items that come later open the next one.
   * If `schedule` fails without running the flush, every item of the batch fails with its error.
   */
  submit(key: string, item: I, schedule: Schedule): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const waiting = this.open.get(key);
      if (waiting) return void waiting.push({ item, resolve, reject });
      const batch: Array<Waiting<I, R>> = [{ item, resolve, reject }];
      this.open.set(key, batch);
      const close = () => {
        if (this.open.get(key) === batch) this.open.delete(key);
      };
      const flush = async () => {
        close();
        await this.flush(key, batch);
      };
      new Promise((started) => started(schedule(flush))).catch((error: unknown) => {
        close();
        for (const w of batch) w.reject(error); // no-op for the items the flush already answered
      });
    });
  }

  private async flush(key: string, batch: ReadonlyArray<Waiting<I, R>>): Promise<void> {
    let outcomes: Settled<R>[];
    try {
      outcomes = await this.commit(
        key,
        batch.map((w) => w.item),
      );
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const w of batch) await this.flush(key, [w]);
      return;
    }
    batch.forEach((w, i) => {
      const outcome = outcomes[i];
      if (!outcome) w.reject(new Error(`the commit of ${batch.length} item(s) of ${key} answered for ${outcomes.length}`));
      else if ('error' in outcome) w.reject(outcome.error);
      else w.resolve(outcome.value);
    });
  }
}
