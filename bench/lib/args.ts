import { parseArgs } from 'node:util';
import type { Engine } from './engine.js';
import { BenchUsageError } from './report.js';

/** `--engine postgres|pglite` and one whole-number count option, e.g. `--rows 50000`. */
export function benchArgs(countName: string, countDefault: number): { engine: Engine; count: number } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: { engine: { type: 'string', default: 'postgres' }, [countName]: { type: 'string' } },
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
  const raw = values[countName];
  const count = raw === undefined ? countDefault : Number(raw);
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new BenchUsageError(`--${countName} must be a whole number of at least 1, not ${String(raw)}`);
  }
  return { engine, count };
}
