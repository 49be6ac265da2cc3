/** Bytes held out of a ByteBudget: it grows while more are free, and gives them all back once. */
export interface ByteReservation {
  readonly held: number;
  /** Holds at least `bytes` in all; false, holding what it held, when the rest is not free (or after release). */
  growTo(bytes: number): boolean;
  /** Gives back everything it holds; again, it does nothing. */
  release(): void;
}

/**
 * A number of bytes shared by everything that holds some at once: the request bodies a process
 * buffers in memory. Nothing waits: what does not fit is refused now.
 */
export class ByteBudget {
  private reserved = 0;

  constructor(readonly capacity: number) {}

  /** The bytes no reservation holds. */
  get available(): number {
    return this.capacity - this.reserved;
  }

  /** A reservation of `bytes`, or null when they are not free. */
  reserve(bytes: number): ByteReservation | null {
    if (bytes > this.available) return null;
    this.reserved += bytes;
    let held = bytes;
    let released = false;
    return {
      get held() {
        return held;
      },
      growTo: (total) => {
        if (released) return false;
        if (total <= held) return true;
        if (total - held > this.available) return false;
        this.reserved += total - held;
        held = total;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.reserved -= held;
      },
    };
  }
}
