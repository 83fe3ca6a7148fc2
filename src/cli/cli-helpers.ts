/** Pieces shared by the `meridian` commands: configuration from the global options, an opened database, JSON output. */
import type { Command } from 'commander';
import { type Config, loadConfig } from '../server/config.ts';
import { type OpenedMeridian, openMeridian } from '../server/runtime.ts';

interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
}

/** The configuration, with `--data-dir` and `--database-url` over the environment. @throws Error on a bad key. */
export function configOf(cmd: Command): Config {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return loadConfig({
    ...(g.dataDir ? { dataDir: g.dataDir } : {}),
    ...(g.databaseUrl ? { databaseUrl: g.databaseUrl } : {}),
  });
}

/** Runs `fn` on the opened (migrated, reference-loaded) database and closes it afterwards. */
export async function withMeridian<T>(
  cmd: Command,
  fn: (m: OpenedMeridian) => Promise<T>,
  opts: { loadReference?: boolean } = {},
): Promise<T> {
  const m = await openMeridian(configOf(cmd), opts);
  try {
    return await fn(m);
  } finally {
    // Closing the embedded database (PGlite's WebAssembly runtime) resets process.exitCode: keep the one
    // the command set.
    const code = process.exitCode;
    await m.close();
    process.exitCode = code;
  }
}

/** Prints `json` to stdout, indented. */
export function print(json: unknown): void {
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}
