import type { Page } from '@bulkhead/contracts';
import { type QueryClient, type QueryKey, type InfiniteData, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

/** Loads one page of a list: the first with no cursor, the next with the cursor the one before gave. */
export type PageLoader<T> = (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>;

/** The pages of a list as the query cache holds them. */
export type Pages<T> = InfiniteData<Page<T>, string | undefined>;

/**
 * A list the API serves in pages, as one infinite query: the first page, then `fetchNextPage()` adds
 * the next below what is shown ("load more") while `hasNextPage`. `items` are the pages' items in order;
 * `loadError` is a failure of the list itself (a failed next page is `isFetchNextPageError`, said by LoadMore).
 */
export function usePagedList<T>(
  queryKey: QueryKey,
  loadPage: PageLoader<T>,
  options: {
    enabled?: boolean;
    refetchInterval?: (pages: Pages<T> | undefined) => number | false;
    /** keep showing the pages of the previous key while the new key's first page loads */
    keepPrevious?: boolean;
  } = {},
) {
  const { enabled, refetchInterval, keepPrevious } = options;
  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => loadPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.nextCursor ?? undefined,
    enabled,
    refetchInterval: refetchInterval && ((query) => refetchInterval(query.state.data)),
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items), [list.data]);
  return { ...list, items, loadError: list.isError && !list.isFetchNextPageError ? list.error : null };
}

/** Changes the items of a paged list in the cache (after a change the page made), keeping where the list goes on. */
export function updatePagedItems<T>(queryClient: QueryClient, queryKey: QueryKey, update: (items: T[], pageIndex: number) => T[]) {
  queryClient.setQueryData<Pages<T>>(
    queryKey,
    (data) => data && { ...data, pages: data.pages.map((page, i) => ({ ...page, items: update(page.items, i) })) },
  );
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
