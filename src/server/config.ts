/**
 * Configuration, parsed once from the environment (and CLI overrides) into a typed object.
 * Every key is documented in `.env.example`. Fails fast with a message naming the bad key.
 */
import path from 'node:path';
import { z } from 'zod';

export const ConfigSchema = z.object({
  /** Folder holding the embedded PGlite database (and later attachments). */
  dataDir: z.string().min(1),
  /** `postgres://...` switches from PGlite to a PostgreSQL server. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});
export type Config = z.infer<typeof ConfigSchema>;

export type ConfigOverrides = Partial<Pick<Config, 'dataDir' | 'databaseUrl' | 'port' | 'host'>>;

/**
 * Builds the configuration from `env` (default `process.env`) and explicit overrides (CLI flags win).
 * Keys: MERIDIAN_DATA_DIR (default `./.meridian-data`), DATABASE_URL, PORT (3000), HOST (127.0.0.1), LOG_LEVEL (info).
 * @throws Error listing each invalid key and why.
 */
export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = {
    dataDir: path.resolve(overrides.dataDir ?? env.MERIDIAN_DATA_DIR ?? '.meridian-data'),
    databaseUrl: overrides.databaseUrl ?? (env.DATABASE_URL || undefined),
    port: overrides.port ?? env.PORT ?? 3000,
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
  };
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const keys: Record<string, string> = {
      dataDir: 'MERIDIAN_DATA_DIR',
      databaseUrl: 'DATABASE_URL',
      port: 'PORT',
      host: 'HOST',
      logLevel: 'LOG_LEVEL',
    };
    const lines = parsed.error.issues.map((i) => `${keys[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}
