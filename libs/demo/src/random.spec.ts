import { compareStrings, KUBE_NAME_ALPHABET, Random } from './random';

describe('Random (mulberry32)', () => {
  it('gives the same sequence for the same seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(Array.from({ length: 20 }, () => b.next()));
  });

  it('gives another sequence for another seed', () => {
    expect(new Random(7).next()).not.toEqual(new Random(8).next());
  });

  it('forks streams that do not depend on how much the parent was used', () => {
    const fresh = new Random(7).fork('flows').next();
    const used = new Random(7);
    used.next();
    used.next();
    expect(used.fork('flows').next()).toEqual(fresh);
    expect(new Random(7).fork('pods').next()).not.toEqual(fresh);
  });

  it('keeps int() inside its inclusive bounds', () => {
    const r = new Random(1);
    const seen = new Set(Array.from({ length: 2000 }, () => r.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('makes version-4 UUIDs and Kubernetes-safe names', () => {
    const r = new Random(1);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.string(KUBE_NAME_ALPHABET, 5)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('compares strings by code unit, whatever the locale', () => {
    expect(['b', 'a-b', 'a', 'B'].sort(compareStrings)).toEqual(['B', 'a', 'a-b', 'b']);
  });
});
