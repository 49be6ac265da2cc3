/**
 * The audit log's hash chain, as the database keeps it: entry n (from 1, no gaps) carries the hash of
 * entry n - 1 (the genesis hash for the first) and its own hash, which the database recomputes on demand.
 */
export interface ChainLink {
  position: number;
  /** Hex, as stored. */
  previousHash: string;
  hash: string;
  /** The hash recomputed now from the entry's stored contents and its stored previous hash. */
  recomputedHash: string;
}

export interface ChainVerdict {
  ok: boolean;
  /** Entries found intact before the first break (all of them when ok). */
  checked: number;
  /** The position where the chain first breaks. */
  firstBrokenAt?: number;
  reason?: string;
}

/** Walks the links in position order, page by page, and stops at the first break. */
export async function verifyChain(genesisHash: string, pages: AsyncIterable<readonly ChainLink[]>): Promise<ChainVerdict> {
  let checked = 0;
  let previousHash = genesisHash;
  for await (const page of pages) {
    for (const link of page) {
      const expected = checked + 1;
      const broken = (reason: string): ChainVerdict => ({ ok: false, checked, firstBrokenAt: expected, reason });
      if (link.position > expected)
        return broken(
          link.position === expected + 1 ? `entry ${expected} is missing` : `entries ${expected} to ${link.position - 1} are missing`,
        );
      if (link.position < expected) return broken(`entry ${link.position} appears again after entry ${expected - 1}`);
      if (link.previousHash !== previousHash)
        return broken(`entry ${expected} does not follow the entry before it (its previous hash differs)`);
      if (link.recomputedHash !== link.hash)
        return broken(`entry ${expected} was changed after it was written (its contents no longer match its hash)`);
      previousHash = link.hash;
      checked = expected;
    }
  }
  return { ok: true, checked };
}
