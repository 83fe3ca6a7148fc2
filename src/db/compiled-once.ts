/**
 * Queries built and compiled by Kysely once per shape, then only re-bound. Kysely builds an operation tree
 * and compiles it to SQL text on every call; for a hot read with many columns and subqueries (the case view,
 * the queue page) that is ~0.1–0.2 ms of the server's CPU per request, more than binding the values. Here a
 * query's builder runs once per `shape` (a key naming every choice the builder makes: role, filters present,
 * sort...) with named placeholders (`param('name')`) where the values go; the compiled text is kept, and
 * later calls only put the values in the placeholders' positions. Decision record: 0022.
 *
 * Rules for a builder used here:
 * - everything the builder branches on must be in `shape` (a wrong key would run another query's text);
 * - every value that varies between calls must be a `param(...)`, never a value derived from one (a
 *   `containsPattern(param('q'))` would bake the placeholder into a literal: build such queries plainly);
 * - constants (the states of `open`, a cap) may stay values: they are kept as compiled.
 * Placeholders start with a NUL character, which no request value can hold (refused at the door; PostgreSQL
 * text cannot store it), so a real value is never mistaken for one.
 */
import { type Compilable, type CompiledQuery, type Kysely, sql } from 'kysely';

const MARK = '\u0000param:';

/** The placeholder for the value named `name` (typed as whatever the builder expects there). */
// biome-ignore lint/suspicious/noExplicitAny: a placeholder stands for a value of any type
export type Param = (name: string) => any;
const param: Param = (name) => `${MARK}${name}`;

/**
 * The placeholder for the value named `name` as `(select $n::type)`, which PostgreSQL's planner cannot
 * look into: a statement whose varying values are all written so (and whose constants, a page size, the
 * states of `open`, are literals: `sql.lit`) costs the same planned with or without its values, so after
 * five executions PostgreSQL keeps its generic plan and stops planning it on every call (it plans afresh
 * while a plan for the values looks cheaper than the generic one, as for a large provider's code, whose
 * many rows make a `limit` look cheap). The value is still an index condition (an init-plan parameter).
 * Use it for values whose plan does not depend on them (a scope, an equality filter); `type` is the
 * column's PostgreSQL type. Decision record: 0024.
 */
// biome-ignore lint/suspicious/noExplicitAny: stands where the builder expects a value of any type
export function opaqueParam(param: Param, name: string, type: 'text' | 'bigint'): any {
  return sql`(select ${param(name)}::${sql.raw(type)})`;
}

interface Template {
  compiled: CompiledQuery;
  /** Per parameter: the name of the value to bind, or undefined to keep the compiled constant. */
  names: (string | undefined)[];
}

/** Shapes kept per database handle at most (beyond, a query is compiled every time, as plain Kysely). */
const MAX_SHAPES = 500;
const templates = new WeakMap<object, Map<string, Template>>();

/**
 * The query `build` makes for `shape`, compiled, with `values` bound to its `param(...)` placeholders; the
 * builder runs and compiles only the first time a shape is seen on `db`.
 * @throws Error when the builder used a placeholder that `values` lacks (a programming error).
 */
export function compileOnce<R>(
  // biome-ignore lint/suspicious/noExplicitAny: any database schema
  db: Kysely<any>,
  shape: string,
  build: (param: Param) => Compilable<R>,
  values: Record<string, unknown>,
): CompiledQuery<R> {
  let shapes = templates.get(db);
  if (!shapes) {
    shapes = new Map();
    templates.set(db, shapes);
  }
  let t = shapes.get(shape);
  if (!t) {
    const compiled = build(param).compile();
    t = {
      compiled,
      names: compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? p.slice(MARK.length) : undefined)),
    };
    if (shapes.size < MAX_SHAPES) shapes.set(shape, t);
  }
  const { compiled, names } = t;
  const parameters = compiled.parameters.map((p, i) => {
    const name = names[i];
    if (name === undefined) return p;
    if (!(name in values)) throw new Error(`compileOnce(${shape}): no value for ${name}`);
    return values[name];
  });
  return { ...(compiled as CompiledQuery<R>), parameters };
}

/**
 * Runs the query `build` makes for `shape`, with `values` bound to its `param(...)` placeholders
 * (`compileOnce`).
 * @returns the rows (as Kysely's `execute` would).
 * @throws Error when the builder used a placeholder that `values` lacks (a programming error).
 */
export async function executeCompiledOnce<R>(
  // biome-ignore lint/suspicious/noExplicitAny: any database schema
  db: Kysely<any>,
  shape: string,
  build: (param: Param) => Compilable<R>,
  values: Record<string, unknown>,
): Promise<R[]> {
  const r = await db.executeQuery<R>(compileOnce(db, shape, build, values));
  return r.rows;
}
