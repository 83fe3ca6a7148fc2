import { describe, expect, it } from 'vitest';
import { pageCount, pageRange, pageWhenBeyond } from './paging.ts';

const page = (n: number, total: number, pageSize = 25) => ({ items: Array.from({ length: n }), total, pageSize });

describe('paging', () => {
  it('counts pages, at least one', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(205, 25)).toBe(9);
    expect(pageCount(200, 25)).toBe(8);
  });

  it('names the rows of a page, brought back to the last page when beyond, nothing for an empty list', () => {
    expect(pageRange(205, 1, 25)).toEqual({ from: 1, to: 25 });
    expect(pageRange(205, 9, 25)).toEqual({ from: 201, to: 205 });
    // /entities?page=999 read "24 951–205 of 205"
    expect(pageRange(205, 999, 25)).toEqual({ from: 201, to: 205 });
    expect(pageRange(0, 1, 25)).toBeNull();
    expect(pageRange(0, 5, 25)).toBeNull();
  });

  it('goes to the last page when the page asked lies beyond it', () => {
    expect(pageWhenBeyond(page(0, 205), 999)).toBe(9);
    expect(pageWhenBeyond(page(0, 20), 3)).toBeUndefined(); // the first page: no `page` in the address
    expect(pageWhenBeyond(page(5, 205), 9)).toBeNull();
    expect(pageWhenBeyond(page(0, 0), 4)).toBeNull(); // an empty list stays where it is
    expect(pageWhenBeyond(page(0, 205), 1)).toBeNull();
    expect(pageWhenBeyond(undefined, 999)).toBeNull();
  });
});
