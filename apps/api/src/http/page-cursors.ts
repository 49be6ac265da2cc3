import type { KeysetPage, Page } from '@bulkhead/contracts';
import type { SecretBox } from '@bulkhead/platform';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { RequestError } from './request-error';

/** Bytes of the signature a cursor carries: 128 bits, enough that a forged one is never guessed. */
const SIGNATURE_BYTES = 16;

/** The position of a list ordered newest first (NewestFirstPosition): an exact instant and an id, as the store wrote them. */
export const newestFirstPosition = z.strictObject({
  at: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
  id: z.uuid(),
});

const refused = (reason: string) => new RequestError('request.invalid_query', [{ field: 'query.cursor', reason }]);

/**
 * The cursors of the API's lists: a position in a list's order (what a store answered as `next`), as
 * base64url JSON, then a signature of the list's name and that position. A cursor is opaque to the
 * client and cannot be made or changed by it: one that was not made by this install (its secret key)
 * for the same list is a 400 naming `query.cursor`, before any store sees it.
 */
export class PageCursors {
  constructor(private readonly secrets: SecretBox) {}

  /** A store's page as the route answers it: its items, and the cursor of the next page. */
  page<T, P>(list: string, page: KeysetPage<T, P>): Page<T> {
    return { items: page.items, nextCursor: page.next === null ? null : this.write(list, page.next) };
  }

  write(list: string, position: unknown): string {
    const body = Buffer.from(JSON.stringify(position)).toString('base64url');
    return `${body}.${this.signature(list, body).toString('base64url')}`;
  }

  /** The position a request's cursor names in `list`, checked against the list's position schema; undefined without a cursor. */
  read<P>(list: string, cursor: string | undefined, position: z.ZodType<P>): P | undefined {
    if (cursor === undefined) return undefined;
    const [body = '', signature = ''] = cursor.split('.');
    const given = Buffer.from(signature, 'base64url');
    const expected = this.signature(list, body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw refused('is not a cursor of this list: give the nextCursor of a page of the same list');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw refused('cannot be read');
    }
    const checked = position.safeParse(parsed);
    if (!checked.success) throw refused('names no position of this list');
    return checked.data;
  }

  private signature(list: string, body: string): Buffer {
    return this.secrets.mac('page cursor', `${list}\n${body}`).subarray(0, SIGNATURE_BYTES);
  }
}
