import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Raised when another live process holds the embedded data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${holder.pid} (${holder.role}, since ${holder.since}). ` +
        'Only one process may open an embedded database: stop that process, or use the CLI, which talks to a running server over its socket.',
    );
  }
}

export interface LockInfo {
  pid: number;
  /** The kernel's start time of that process (clock ticks since boot), so a reused pid is told apart. */
  start: string;
  since: string;
  role: string;
  /** The server's Unix socket for the CLI, once it listens. */
  socket?: string;
}

const lockPath = (dataDir: string) => path.join(dataDir, 'vaern.lock');

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the parenthesised command name, which may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    try {
      process.kill(pid, 0);
      return 'unknown';
    } catch {
      return undefined;
    }
  }
}

function isLive(info: LockInfo): boolean {
  const start = processStart(info.pid);
  if (start === undefined) return false;
  return start === 'unknown' || info.start === 'unknown' || start === info.start;
}

/** The live holder of a data directory's lock, if any. */
export function readLock(dataDir: string): LockInfo | undefined {
  const file = lockPath(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return isLive(info) ? info : undefined;
  } catch {
    // A lock being written right now reads as empty: treat it as held by an unknown process.
    return { pid: -1, start: 'unknown', since: 'now', role: 'starting' };
  }
}

export interface DataDirLock {
  info: LockInfo;
  setSocket(socket: string): void;
  release(): void;
}

/**
 * Takes the data directory's lock, created exclusively (O_EXCL), holding this process's pid and
 * start time. A lock whose process is gone (or whose pid now belongs to another process) is stale
 * and replaced; a live one is refused before the database is touched.
 */
export function acquireLock(dataDir: string, role: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = lockPath(dataDir);
  const info: LockInfo = {
    pid: process.pid,
    start: processStart(process.pid) ?? 'unknown',
    since: new Date().toISOString(),
    role,
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      return {
        info,
        setSocket(socket: string) {
          info.socket = socket;
          writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
        },
        release() {
          if (released) return;
          released = true;
          try {
            const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
            if (current.pid === process.pid) unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(dataDir);
      if (holder) throw new DataDirInUseError(dataDir, holder);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        /* another process removed it first */
      }
    }
  }
  const holder = readLock(dataDir);
  throw new DataDirInUseError(
    dataDir,
    holder ?? { pid: -1, start: 'unknown', since: 'now', role: 'unknown' },
  );
}
