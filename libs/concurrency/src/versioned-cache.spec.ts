import { VersionedCache } from './versioned-cache';

const state = (id: string, version: number, label = '') => ({ id, version, label });

describe('VersionedCache', () => {
  it('keeps the newest value of a key: an older one that arrives later is ignored, an equal one replaces it', () => {
    const cache = new VersionedCache<ReturnType<typeof state>>(4);
    cache.set('r1', state('r1', 3));
    cache.set('r1', state('r1', 2, 'late read'));
    expect(cache.latest('r1')).toEqual(state('r1', 3));
    cache.set('r1', state('r1', 3, 'same version, read again'));
    expect(cache.latest('r1')?.label).toBe('same version, read again');
    cache.set('r1', state('r1', 4));
    expect(cache.latest('r1')?.version).toBe(4);
    expect(cache.latest('r2')).toBeUndefined();
  });

  it('answers for a version only with a value at that version or newer', () => {
    const cache = new VersionedCache<ReturnType<typeof state>>(4);
    cache.set('r1', state('r1', 5));
    expect(cache.atLeast('r1', 6)).toBeUndefined();
    expect(cache.atLeast('r1', 5)?.version).toBe(5);
    expect(cache.atLeast('r1', 2)?.version).toBe(5);
    expect(cache.atLeast('r2', 0)).toBeUndefined();
  });

  it('forgets the key used longest ago past its capacity, counting reads as uses', () => {
    const cache = new VersionedCache<ReturnType<typeof state>>(3);
    for (const id of ['r1', 'r2', 'r3']) cache.set(id, state(id, 1));
    cache.latest('r1');
    cache.atLeast('r2', 1);
    cache.set('r4', state('r4', 1));
    expect(cache.size).toBe(3);
    expect(cache.latest('r3')).toBeUndefined();
    cache.set('r5', state('r5', 1));
    expect(cache.latest('r1')).toBeUndefined();
    expect(['r2', 'r4', 'r5'].map((id) => cache.latest(id)?.id)).toEqual(['r2', 'r4', 'r5']);
  });

  it('does not count a miss as a use', () => {
    const cache = new VersionedCache<ReturnType<typeof state>>(2);
    cache.set('r1', state('r1', 1));
    cache.set('r2', state('r2', 1));
    expect(cache.atLeast('r1', 2)).toBeUndefined();
    cache.set('r3', state('r3', 1));
    expect(cache.latest('r1')).toBeUndefined();
    expect(cache.latest('r2')?.id).toBe('r2');
  });

  it.each([0, -2, 2.5, Number.NaN])('refuses a capacity of %p', (capacity) => {
    expect(() => new VersionedCache(capacity)).toThrow(RangeError);
  });
});
