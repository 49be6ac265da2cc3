/**
 * Read de-duplication: calls that want the same thing at the same time share one read. A call for a key
 * joins the read of it under way when that read was started for the version it wants or a newer one;
 * otherwise it starts its own, which later calls then join. Outcomes are not kept: once a read has
 * settled, every caller of it has its answer (or its error), and the next call reads again.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, { version: number; result: Promise<T> }>();

  /** How many keys have a read under way. */
  get size(): number {
    return this.flights.size;
  }

  run(key: string, version: number, read: () => Promise<T>): Promise<T> {
    const underway = this.flights.get(key);
    if (underway && underway.version >= version) return underway.result;
    // A newer read replaces an older one as the read to join; each forgets only itself.
    const result: Promise<T> = new Promise<T>((resolve) => resolve(read())).finally(() => {
      if (this.flights.get(key)?.result === result) this.flights.delete(key);
    });
    this.flights.set(key, { version, result });
    return result;
  }
}
