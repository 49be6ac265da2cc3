/**
 * A value the database always answers (the row of an INSERT ... RETURNING, the raw columns of a loaded
 * entity): its absence is a broken invariant, reported as such rather than read as undefined further on.
 */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the database answered no ${what}`);
  return value;
}
