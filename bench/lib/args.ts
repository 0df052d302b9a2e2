import { parseArgs } from 'node:util';
import type { Engine } from './engine.js';
import { BenchUsageError } from './report.js';

/** A whole number given as `--name N`, at least `min`; `fallback` when not given. */
function countOf(name: string, raw: string | boolean | undefined, fallback: number, min: number): number {
  const count = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(count) || count < min) {
    throw new BenchUsageError(`--${name} must be a whole number of at least ${min}, not ${String(raw)}`);
  }
  return count;
}

/**
 * `--engine postgres|pglite`, one whole-number count option (at least 1), e.g. `--rows 50000`, and
 * optional further counts (at least 0) with their defaults, e.g. `{ systems: 0 }`.
 */
export function benchArgs<K extends string = never>(
  countName: string,
  countDefault: number,
  more: Record<K, number> = {} as Record<K, number>,
): { engine: Engine; count: number; more: Record<K, number> } {
  const names = Object.keys(more) as K[];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        engine: { type: 'string', default: 'postgres' },
        [countName]: { type: 'string' },
        ...Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  const engine = values.engine;
  if (engine !== 'postgres' && engine !== 'pglite') {
    throw new BenchUsageError(`--engine must be postgres or pglite, not ${String(engine)}`);
  }
  const count = countOf(countName, values[countName], countDefault, 1);
  const counts = Object.fromEntries(names.map((n) => [n, countOf(n, values[n], more[n], 0)])) as Record<
    K,
    number
  >;
  return { engine, count, more: counts };
}
