import os from 'node:os';

/** Progress for people, on stderr; stdout carries only the final JSON line. */
export function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

export interface Machine {
  cpus: number;
  mem_gib: number;
  node: string;
  postgres: string;
}

export function machine(postgres: string): Machine {
  return {
    cpus: os.cpus().length,
    mem_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
  };
}

/** Seconds with millisecond precision, from a performance.now() start. */
export function secondsSince(start: number): number {
  return round((performance.now() - start) / 1000, 3);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The largest resident set of this process so far, in MiB. */
export function peakRssMib(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** A problem of the run (setup, a check that failed): printed as its message alone, exit 1. */
export class BenchError extends Error {}

/** A usage problem (a bad option, DATABASE_URL missing): printed as its message alone, exit 2. */
export class BenchUsageError extends BenchError {}

/**
 * Runs a benchmark: its result is printed as the last line on stdout; any failure is a message on
 * stderr and exit code 1 (2 for a usage problem). `cleanup` runs either way.
 */
export async function runBench(name: string, body: () => Promise<object>): Promise<void> {
  try {
    const result = await body();
    process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`);
    process.exitCode = 0;
  } catch (error) {
    const message = error instanceof BenchError ? error.message : ((error as Error)?.stack ?? String(error));
    progress(`bench:${name} failed: ${message}`);
    process.exitCode = error instanceof BenchUsageError ? 2 : 1;
  }
}
