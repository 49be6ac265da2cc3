import { z } from 'zod';

/**
 * Every list of the API comes in pages, one contract for all: the request names where to go on from
 * (`cursor`, the `nextCursor` of the page before; absent for the first page) and how many items it
 * wants (`limit`, bounded per list); the answer is `{ items, nextCursor }`, `nextCursor` null on the
 * last page. Pages are keyset pages: a cursor names the last item given (its place in the list's
 * order), so rows written between two pages are neither given twice nor skip another row.
 */

/** What a cursor looks like on the wire: the API makes it (a position and its signature) and checks it. */
export const cursorSchema = z
  .string()
  .max(1000)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'must be a nextCursor as the API gave it')
  .describe("The previous page's nextCursor; absent for the first page");

export interface PageLimits {
  /** Items in a page when the request does not say. */
  default: number;
  /** The most a request may ask for. */
  max: number;
}

/** The query fields every paginated list takes, with that list's bounds on `limit`. */
export const pageQueryShape = (limits: PageLimits) => ({
  cursor: cursorSchema.optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(limits.max)
    .default(limits.default)
    .describe(`Items in the page, 1 to ${limits.max} (default ${limits.default})`),
});

/** The answer of a paginated list of `item`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.strictObject({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Give it as `cursor` for the next page; null on the last page'),
  });

/** A page as the client reads it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a store is asked for: the items after a position in its list's order, at most `limit`. */
export interface PageRequest<P> {
  after?: P;
  limit: number;
}

/** What a store answers: the items, and the position of the last one when more follow (null when none do). */
export interface KeysetPage<T, P> {
  items: T[];
  next: P | null;
}

/**
 * Where a page of a list ordered newest first ends: the last item's creation time, as the database
 * keeps it (text, to the microsecond: a JS Date would round it, and an item of the same millisecond
 * would be given twice or skipped), and its id, which orders items created at the same instant.
 */
export interface NewestFirstPosition {
  at: string;
  id: string;
}

/**
 * A store's page from rows read one past the limit (`LIMIT limit + 1`): the extra row, when there is
 * one, only says that more follow; the position to go on from is the last row given.
 */
export function keysetPage<T, P>(rows: readonly T[], limit: number, positionOf: (row: T) => P): KeysetPage<T, P> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  if (rows.length <= limit || last === undefined) return { items, next: null };
  return { items, next: positionOf(last) };
}
