import type { Page } from '@bulkhead/contracts';
import { type DependencyList, useCallback, useState } from 'react';
import { useAsync } from './use-async';

/** Loads one page of a list: the first with no cursor, the next with the cursor the one before gave. */
export type PageLoader<T> = (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>;

/**
 * A list the API serves in pages: the first page when the dependencies change, then `more()` adds the
 * next page below what is shown ("load more"), while the API says more follow (`hasMore`).
 */
export function usePages<T>(loadPage: PageLoader<T>, deps: DependencyList) {
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` is the caller's list for `loadPage`, as with useAsync
  const first = useAsync((signal) => loadPage(undefined, signal), deps);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const { set } = first;
  const cursor = first.data?.nextCursor ?? null;
  const more = useCallback(() => {
    if (cursor === null) return;
    setLoadingMore(true);
    setMoreError(null);
    loadPage(cursor, new AbortController().signal)
      .then((next) => set((shown) => ({ items: [...shown.items, ...next.items], nextCursor: next.nextCursor })))
      .catch(setMoreError)
      .finally(() => setLoadingMore(false));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the loader changes with the caller's deps, which reset the cursor too
  }, [cursor, set]);
  /** Changes the items shown (after a change the page made), keeping where the list goes on. */
  const setItems = useCallback((update: (items: T[]) => T[]) => set((shown) => ({ ...shown, items: update(shown.items) })), [set]);
  return { ...first, items: first.data?.items, hasMore: cursor !== null, more, loadingMore, moreError, setItems };
}

/** Every item of a list, page after page (for a view that needs all of them at once, as the map's drawing does). */
export async function everyItem<T>(loadPage: PageLoader<T>, signal: AbortSignal): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await loadPage(cursor, signal);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
