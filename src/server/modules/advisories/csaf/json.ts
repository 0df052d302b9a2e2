/**
 * Small readers over a parsed JSON value that the schema has already checked. They never throw:
 * a value of another type reads as absent, so a reader stays total even where the schema allows
 * more than it expects.
 */
export type JsonObject = Record<string, unknown>;

export const obj = (v: unknown): JsonObject | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as JsonObject) : null;

export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export const texts = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The strings of `values`, each once, in first-seen order. */
export const unique = (values: Iterable<string>): string[] => [...new Set(values)];

/** A JSON Pointer segment (RFC 6901): `~` → `~0`, `/` → `~1`. */
export const pointer = (...segments: (string | number)[]): string =>
  segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
