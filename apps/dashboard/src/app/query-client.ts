import { QueryClient } from '@tanstack/react-query';

/**
 * The dashboard's one cache of what the API answered (TanStack Query). Every read is a query under
 * its feature's keys (`features/<feature>/keys.ts`), every change a mutation that updates or
 * invalidates the queries it changes. Queries are stale at once, so a page shows what it already has
 * and asks again whenever it opens; a failed read is said at once with "Try again" rather than retried
 * behind a spinner, and coming back to the tab does not refetch (pages that must stay fresh poll).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });
}
