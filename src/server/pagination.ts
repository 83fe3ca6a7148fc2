/**
 * Shared list contract: every list endpoint takes `page` (1-based, at most 1,000,000), `pageSize` (1-500, default 50),
 * `sort` (a field the endpoint names) and `order` (`asc`|`desc`), and returns `{ items, total, page, pageSize }`.
 * Numbers are plain decimal digits (`queryInteger`); a parameter the endpoint does not know is refused by name
 * (the query schemas are strict, as every route's must be: `strictQuerystring` in route-helpers.ts).
 */
import { z } from 'zod';
import { queryInteger } from './validation.ts';

/** The last page number a list accepts: beyond it a page is an error, not an offset PostgreSQL refuses. */
export const MAX_PAGE = 1_000_000;

/** `pageSize` of a list: 1 to `max` rows, `fallback` when not given. */
export function pageSizeQuery(max: number, fallback: number) {
  return queryInteger(1, max).default(fallback);
}

export const PageQuerySchema = z.strictObject({
  page: queryInteger(1, MAX_PAGE).default(1),
  pageSize: pageSizeQuery(500, 50),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** Page of `item`s with the total count of matches. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** Offset of the first row of `page` (1-based) for `pageSize` rows per page. */
export function offsetOf(q: { page: number; pageSize: number }): number {
  return (q.page - 1) * q.pageSize;
}
