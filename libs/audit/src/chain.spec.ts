import { type ChainLink, verifyChain } from './chain';

const GENESIS = '00';
const link = (position: number, previousHash: string, hash = `h${position}`, recomputedHash = hash): ChainLink => ({
  position,
  previousHash,
  hash,
  recomputedHash,
});
const intact: [ChainLink, ChainLink, ChainLink, ChainLink] = [link(1, GENESIS), link(2, 'h1'), link(3, 'h2'), link(4, 'h3')];

async function* pagesOf(links: ChainLink[], size = 2) {
  for (let i = 0; i < links.length; i += size) yield links.slice(i, i + size);
}

describe('verifyChain', () => {
  it.each([
    ['an intact chain across pages', intact, { ok: true, checked: 4 }],
    ['an empty log', [], { ok: true, checked: 0 }],
    ['a removed entry', [intact[0], intact[2], intact[3]], { ok: false, checked: 1, firstBrokenAt: 2, reason: 'entry 2 is missing' }],
    ['several removed entries', [intact[0], intact[3]], { ok: false, checked: 1, firstBrokenAt: 2, reason: 'entries 2 to 3 are missing' }],
    ['a removed first entry', intact.slice(1), { ok: false, checked: 0, firstBrokenAt: 1, reason: 'entry 1 is missing' }],
    [
      'a repeated position',
      [intact[0], intact[1], link(2, 'h1')],
      { ok: false, checked: 2, firstBrokenAt: 3, reason: 'entry 2 appears again after entry 2' },
    ],
    [
      'an edited entry',
      [intact[0], link(2, 'h1', 'h2', 'other'), intact[2]],
      { ok: false, checked: 1, firstBrokenAt: 2, reason: expect.stringContaining('entry 2 was changed') },
    ],
    [
      'an edited entry with its hash recomputed',
      [intact[0], link(2, 'h1', 'forged'), intact[2]],
      { ok: false, checked: 2, firstBrokenAt: 3, reason: expect.stringContaining('entry 3 does not follow') },
    ],
    [
      'a first entry that does not start at the genesis hash',
      [link(1, 'ff')],
      { ok: false, checked: 0, firstBrokenAt: 1, reason: expect.stringContaining('entry 1 does not follow') },
    ],
  ])('%s', async (_name, links, verdict) => {
    expect(await verifyChain(GENESIS, pagesOf(links))).toEqual(verdict);
  });
});
