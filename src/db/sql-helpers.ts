/** Small SQL helpers shared by repositories. */

/** Escapes `%`, `_` and `\` for a LIKE/ILIKE pattern and wraps the term in `%...%`. */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** JSONB values arrive parsed from pg and PGlite; strings (older drivers) are parsed here. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
