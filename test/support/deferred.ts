/** A promise whose outcome the test decides: it lets a test hold a task open and end it when it wants. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  return { promise, resolve, reject };
}

/** Resolves once every promise callback already due has run (the macrotask after them). */
export const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
