/** Fixed-size bit sets over 0..n-1, stored in 32-bit words. */
export type Bits = Uint32Array;

export const newBits = (n: number): Bits => new Uint32Array((n + 31) >>> 5);

/** `rows` bit sets over 0..n-1 sharing one buffer: one allocation instead of one per row. */
export function newBitRows(rows: number, n: number): Bits[] {
  const words = (n + 31) >>> 5;
  const buffer = new Uint32Array(rows * words);
  return Array.from({ length: rows }, (_, r) => buffer.subarray(r * words, (r + 1) * words));
}

/**
 * Hands out empty bit sets over 0..n-1 carved from buffers of `rowsPerBuffer` rows: when a count of rows is not
 * known in advance, still few allocations (each big typed array costs the garbage collector a look).
 */
export function bitRowPool(n: number, rowsPerBuffer = 256): () => Bits {
  let free: Bits[] = [];
  return () => {
    if (free.length === 0) free = newBitRows(rowsPerBuffer, n).reverse();
    return free.pop()!;
  };
}

export function fullBits(n: number): Bits {
  const bits = newBits(n);
  bits.fill(0xffffffff);
  const extra = bits.length * 32 - n;
  if (extra > 0) bits[bits.length - 1] = 0xffffffff >>> extra;
  return bits;
}

export const setBit = (bits: Bits, i: number): void => {
  bits[i >>> 5]! |= 1 << (i & 31);
};

export const hasBit = (bits: Bits, i: number): boolean => (bits[i >>> 5]! & (1 << (i & 31))) !== 0;

export function orInto(target: Bits, source: Bits): void {
  for (let w = 0; w < target.length; w++) target[w]! |= source[w]!;
}

/** target |= a & b */
export function orAndInto(target: Bits, a: Bits, b: Bits): void {
  for (let w = 0; w < target.length; w++) target[w]! |= a[w]! & b[w]!;
}

/** Calls `visit` with every member, ascending. */
export function forEachBit(bits: Bits, visit: (i: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      visit((w << 5) + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

/**
 * Transposes a 32x32 bit block in place: afterwards bit j of block[i] is what bit i of block[j] was
 * (Hacker's Delight, section 7-3: swap the off-diagonal halves, then quarters, down to single bits).
 */
export function transposeBlock(block: Uint32Array): void {
  let mask = 0x0000ffff;
  for (let j = 16; j !== 0; j >>>= 1, mask ^= mask << j) {
    for (let k = 0; k < 32; k = ((k | j) + 1) & ~j) {
      const swap = ((block[k]! >>> j) ^ block[k | j]!) & mask;
      block[k]! ^= swap << j;
      block[k | j]! ^= swap;
    }
  }
}
