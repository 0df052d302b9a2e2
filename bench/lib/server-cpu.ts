import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from '../../src/server/db/client.js';

/**
 * The CPU time of the PostgreSQL server's processes, read from /proc: what the database spends
 * on an import, beside the benchmark's own `process_cpu_s`. On a machine of two cores an import
 * that keeps both busy cannot be faster than its CPU time over two, whatever the order of its
 * steps: these two figures tell how much work an import is, where its seconds vary with whatever
 * else the machine is doing.
 *
 * The server is the postmaster of this runtime's own backend and all of its children (backends,
 * the WAL writer, autovacuum …), and the children that ended meanwhile (the postmaster's
 * `cutime`/`cstime` once it has reaped them). Anything else the server does meanwhile (another
 * database's work) counts too. Null where the server's processes are not this machine's or not
 * readable (a remote server, a container, the embedded database).
 */
export async function serverCpu(db: Database): Promise<(() => number) | null> {
  if (!db.pool) return null;
  const r = await db.pool.query<{ pid: number }>('select pg_backend_pid() as pid');
  const backend = r.rows[0]?.pid;
  const own = backend === undefined ? null : stat(backend);
  if (!own) return null;
  const postmaster = own.ppid;
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return () => {
    const main = stat(postmaster);
    if (!main) return Number.NaN;
    let total = main.utime + main.stime + main.cutime + main.cstime;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const child = stat(Number(entry));
      if (child?.ppid === postmaster) total += child.utime + child.stime;
    }
    return total / ticks;
  };
}

interface ProcStat {
  ppid: number;
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
}

/** Fields of /proc/<pid>/stat (proc(5)); null when the process is gone or not readable. */
function stat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name, in parentheses, may hold spaces: the fields are counted after it.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state (3), ppid (4), … utime (14), stime (15), cutime (16), cstime (17).
  return {
    ppid: Number(f[1]),
    utime: Number(f[11]),
    stime: Number(f[12]),
    cutime: Number(f[13]),
    cstime: Number(f[14]),
  };
}
