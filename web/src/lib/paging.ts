/**
 * Paging of server-side lists (the API pages: `{ items, total, pageSize }` for the page asked): the rows a
 * page shows as "from–to of total", and the last page to go to when the address asks for one beyond the end
 * (`/entities?page=999`, a stale link, rows resolved away by a bulk action).
 */
import { useEffect } from 'react';

/** One page of a server-side list, as the API returns it (only what paging reads). */
export interface PageShape {
  items: unknown[];
  total: number;
  pageSize: number;
}

/** The number of pages of `total` rows, `pageSize` a page: at least 1 (an empty list has one, empty, page). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
}

/**
 * The rows the counter names for page `page` (1-based) of `total` rows: `{ from, to }`, 1-based and
 * inclusive, the page brought back to the last one when it lies beyond; `null` when the list is empty (the
 * counter then says nothing: "0–0 of 0" reads as a fault).
 */
export function pageRange(total: number, page: number, pageSize: number): { from: number; to: number } | null {
  if (total <= 0) return null;
  const shown = Math.min(Math.max(1, page), pageCount(total, pageSize));
  return { from: (shown - 1) * pageSize + 1, to: Math.min(total, shown * pageSize) };
}

/**
 * The page to go to instead of `page`, when `page` lies beyond the last page that has rows: that last page,
 * `undefined` for the first (the address then carries no `page`); `null` when `page` is fine, the list is
 * empty, or the page is not loaded yet.
 */
export function pageWhenBeyond(data: PageShape | undefined, page: number): number | undefined | null {
  if (!data || data.items.length > 0 || data.total === 0 || page <= 1) return null;
  const last = pageCount(data.total, data.pageSize);
  if (last >= page) return null;
  return last === 1 ? undefined : last;
}

/**
 * When the page shown lies beyond the last one that has rows, goes to that last page (`goTo(undefined)`: the
 * first) rather than show an empty page under a non-zero count. `goTo` should replace the address (the lists'
 * `setSearch` do), so that Back does not return to the empty page.
 */
export function useLastPageWhenBeyond(data: PageShape | undefined, page: number, goTo: (page: number | undefined) => void): void {
  useEffect(() => {
    const target = pageWhenBeyond(data, page);
    if (target !== null) goTo(target);
  }, [data, page, goTo]);
}
