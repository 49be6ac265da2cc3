import { transposeBlock } from './bitset';

describe('transposeBlock', () => {
  it.each([1, 2, 3])('moves bit j of row i to bit i of row j (seed %i)', (seed) => {
    let state = seed;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const before = Uint32Array.from({ length: 32 }, next);
    const block = Uint32Array.from(before);
    transposeBlock(block);
    for (let i = 0; i < 32; i++) {
      for (let j = 0; j < 32; j++) expect(((block[j]! >>> i) & 1) === ((before[i]! >>> j) & 1)).toBe(true);
    }
  });
});
