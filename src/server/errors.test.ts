/** How schema issues become the problem's field issues (`fieldIssuesOf`): paths and wording. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssuesOf } from './errors.ts';
import { queryInteger } from './validation.ts';

const issuesOf = (schema: z.ZodType, value: unknown, root?: string) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return fieldIssuesOf(r.error.issues as never, root);
};

describe('fieldIssuesOf', () => {
  it('says a missing value is required, and a repeated query parameter is given twice', () => {
    expect(issuesOf(z.strictObject({ code: z.string() }), {}, 'body')).toEqual([{ field: 'body.code', message: 'is required' }]);
    expect(issuesOf(z.strictObject({ state: z.string() }), { state: ['new', 'open'] }, 'querystring')).toEqual([
      { field: 'querystring.state', message: 'is given more than once' },
    ]);
  });

  it("words zod's default bounds, and keeps a schema's own message", () => {
    const schema = z.strictObject({
      title: z.string().min(3),
      note: z.string().max(5),
      name: z.string().min(1),
      code: z.string().max(1),
      n: z.number().int().max(10),
      tags: z.array(z.string()).max(1),
      p: z.number().gt(0),
      own: z.string().min(2, 'two letters at least'),
    });
    expect(
      issuesOf(schema, { title: 'ab', note: 'abcdef', name: '', code: 'ab', n: 11, tags: ['a', 'b'], p: 0, own: 'x' }, 'body'),
    ).toEqual([
      { field: 'body.title', message: 'must be at least 3 characters long' },
      { field: 'body.note', message: 'must be at most 5 characters long' },
      { field: 'body.name', message: 'must not be empty' },
      { field: 'body.code', message: 'must be at most 1 character long' },
      { field: 'body.n', message: 'must be at most 10' },
      { field: 'body.tags', message: 'must have at most 1 item' },
      { field: 'body.p', message: 'must be more than 0' },
      { field: 'body.own', message: 'two letters at least' },
    ]);
  });

  it("says a field's own range, not JavaScript's safe-integer bound beside it", () => {
    const r = issuesOf(z.strictObject({ n: z.coerce.number().int().max(10) }), { n: '99999999999999999999' }, 'querystring');
    expect(r).toEqual([{ field: 'querystring.n', message: 'must be at most 10' }]);
    // alone, the safe-integer bound is still said
    const alone = issuesOf(z.strictObject({ n: z.number().int() }), { n: 2 ** 60 }, 'body');
    expect(alone).toHaveLength(1);
    expect(alone[0]?.field).toBe('body.n');
    // a query integer says its range in digits
    expect(issuesOf(z.strictObject({ page: queryInteger(1, 1_000_000) }), { page: '9999999999999999' }, 'querystring')).toEqual([
      { field: 'querystring.page', message: 'a whole number from 1 to 1,000,000, in decimal digits' },
    ]);
  });

  it('names unknown keys on their own path and the allowed values of an enumeration', () => {
    expect(issuesOf(z.strictObject({ a: z.enum(['x', 'y']) }), { a: 'z', bogus: 1 }, 'body')).toEqual([
      { field: 'body.a', message: 'must be one of x, y' },
      { field: 'body.bogus', message: 'is not a known field' },
    ]);
  });
});
