/** Fixed-size bit sets over 0..n-1, stored in 32-bit words. */
export type Bits = Uint32Array;

export const newBits = (n: number): Bits => new Uint32Array((n + 31) >>> 5);

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
