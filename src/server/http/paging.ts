import { z } from 'zod';
import { badRequest } from '../lib/errors.js';

/** `?limit=&cursor=` on every list. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), next_cursor: z.string().nullable() });

/** A cursor is the opaque, URL-safe form of the last item's sort key. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Array<string | number> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A NUL cannot be compared with anything the database holds (text never contains it).
    if (
      Array.isArray(key) &&
      key.every((k) => (typeof k === 'string' && !k.includes('\u0000')) || typeof k === 'number')
    )
      return key;
  } catch {
    /* fall through */
  }
  throw badRequest();
}

/** Takes `limit + 1` rows, returns `limit` items and the cursor of the last when more exist. */
export function page<R, T>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => Array<string | number>,
  present: (row: R) => T,
): { items: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return { items: kept.map(present), next_cursor: more && last ? encodeCursor(keyOf(last)) : null };
}
