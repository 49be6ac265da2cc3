/**
 * The newest value seen per key, for the `capacity` keys used last (the key used longest ago is forgotten
 * first). Values carry a version that only grows; a value older than the one kept is ignored, so answers
 * that arrive out of order (a read that started before a write and answers after it) never take the cache
 * back. Values are shared, not copied: whoever gets one must not change it.
 */
export class VersionedCache<T extends { version: number }> {
  private readonly values = new Map<string, T>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`a cache needs a whole number of entries, at least 1 (got ${capacity})`);
  }

  get size(): number {
    return this.values.size;
  }

  /** The newest value kept for `key`, whatever its version. */
  latest(key: string): T | undefined {
    const value = this.values.get(key);
    if (value) this.touch(key, value);
    return value;
  }

  /** The value kept for `key` if it is at `version` or newer. */
  atLeast(key: string, version: number): T | undefined {
    const value = this.values.get(key);
    if (!value || value.version < version) return undefined;
    this.touch(key, value);
    return value;
  }

  /** Keeps `value` for `key`, unless a newer one is kept already. */
  set(key: string, value: T): void {
    if ((this.values.get(key)?.version ?? -Infinity) > value.version) return;
    this.touch(key, value);
    if (this.values.size > this.capacity) this.values.delete(this.values.keys().next().value as string);
  }

  /** Moves `key` to the most recently used end (a Map iterates in insertion order). */
  private touch(key: string, value: T): void {
    this.values.delete(key);
    this.values.set(key, value);
  }
}
