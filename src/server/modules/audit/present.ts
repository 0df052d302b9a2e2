import type { z } from 'zod';
import type { LogRow } from './queries.js';
import type { auditEntry } from './schemas.js';

export function presentEntry(row: LogRow): z.infer<typeof auditEntry> {
  const actor = row.actor;
  return {
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: {
      type: actor.type,
      ...(actor.id === undefined ? {} : { id: actor.id }),
      ...(actor.name === undefined ? {} : { name: actor.name }),
    },
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    before: row.before ?? null,
    after: row.after ?? null,
    hash: row.hash,
  };
}
