/**
 * A value an invariant of the rollout guarantees (a position taken from the same state, a result the
 * cluster driver promises for each probe): one that is missing is a bug, thrown as one.
 */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`rollout invariant broken: ${what} is missing`);
  return value;
}
