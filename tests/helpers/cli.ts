/**
 * Runs the `meridian` command as a user does (`bin/meridian.js` in a child process, from the project root),
 * on its embedded database in `dataDir` (DATABASE_URL cleared, so the CLI tests use PGlite on both CI runs).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/meridian.js');

/** What a run printed and its exit code (null when killed by the time-out). */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `meridian ...args` synchronously.
 * @param dataDir MERIDIAN_DATA_DIR for the run.
 * @param timeoutMs the run is killed after this many ms (its code is then null).
 */
export function runMeridian(dataDir: string, args: readonly string[], timeoutMs: number): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', MERIDIAN_DATA_DIR: dataDir },
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
