/**
 * CPU time of processes on this machine, for the cases benchmarks (Linux /proc; zeros and empty maps
 * elsewhere): a process's CPU seconds, and those of the PostgreSQL backends of one database under one
 * postmaster (so that another cluster on the same machine, another session's benchmark say, is not counted).
 */
import fs from 'node:fs';
import pg from 'pg';

const TICK = 100; // USER_HZ

/** The fields of /proc/PID/stat after the command name (field 3 onwards), or undefined. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds used so far by process `pid` (0 if unknown). */
export function processCpuSeconds(pid: number | string | undefined): number {
  const f = pid === undefined ? undefined : statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / TICK : 0;
}

/** The PID of the postmaster serving `url` (the parent of a backend), or undefined (not on this machine, no /proc). */
export async function postmasterPid(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const f = statFields(r.rows[0]?.pid ?? -1);
    return f ? Number(f[1]) : undefined;
  } finally {
    await client.end();
  }
}

/**
 * CPU seconds used so far by each backend of database `database` whose parent is postmaster `postmaster`,
 * by PID (empty when `postmaster` is undefined).
 */
export function postgresBackendsCpu(postmaster: number | undefined, database: string): Map<string, number> {
  const used = new Map<string, number>();
  if (postmaster === undefined) return used;
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return used;
  }
  for (const pid of pids) {
    const f = statFields(pid);
    if (!f || Number(f[1]) !== postmaster) continue;
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(`postgres: postgres ${database} `)) continue;
    } catch {
      continue; // gone meanwhile
    }
    used.set(pid, (Number(f[11]) + Number(f[12])) / TICK);
  }
  return used;
}
