/** Small SQL helpers shared by repositories. */

/** Escapes `%`, `_` and `\` for a LIKE/ILIKE pattern and wraps the term in `%...%`. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** JSONB values arrive parsed from pg and PGlite; strings (older drivers) are parsed here. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Whether `e` is a unique-constraint violation (SQLSTATE 23505) from pg or PGlite. */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '23505' || /duplicate key|unique constraint/i.test(String((e as Error)?.message));
}
