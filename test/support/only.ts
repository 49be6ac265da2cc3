/** The one item of a list that a test expects to hold exactly one (a batch of one probe, a single delivery); fails otherwise. */
export function only<T>(items: readonly T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one item, got ${items.length}: ${JSON.stringify(items)}`);
  return items[0] as T;
}
