import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { scopeOf, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor } from '../../lib/actor.js';
import { forbidden, notFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/record.js';
import './messages.js';
import { authorise, contactsPolicy } from './policy.js';
import { auditedContact, presentContact, presentSectorContact } from './present.js';
import * as q from './queries.js';
import type { createContactBody, updateContactBody } from './schemas.js';

export async function listContacts(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after?: [string, string, string];
}) {
  authorise(contactsPolicy.read(opts.actor, opts.org.id));
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, opts.org.id), (tx) =>
    q.listContacts(tx, opts.org.id, opts.limit + 1, opts.after),
  );
}

export async function createContact(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  input: z.infer<typeof createContactBody>;
}) {
  const { ctx, actor, org, input } = opts;
  authorise(contactsPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const row = await q.insertContact(tx, org.id, {
      role: input.role,
      name: input.name,
      phone: input.phone ?? null,
      email: input.email ?? null,
      notes: input.notes || null,
      verified_on: input.verified_on ?? null,
    });
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'contact.create',
      targetType: 'contact',
      targetId: row.id,
      after: auditedContact(row),
    });
    return presentContact(row);
  });
}

export async function updateContact(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  id: string;
  input: z.infer<typeof updateContactBody>;
}) {
  const { ctx, actor, org, input } = opts;
  authorise(contactsPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findContact(tx, org.id, opts.id);
    if (!before) throw notFound();
    const pick = <K extends keyof typeof input>(k: K, current: string | null) =>
      input[k] === undefined ? current : ((input[k] as string | null) ?? null);
    const after = await q.updateContact(tx, org.id, opts.id, {
      role: input.role ?? before.role,
      name: input.name ?? before.name,
      phone: pick('phone', before.phone),
      email: pick('email', before.email),
      notes: pick('notes', before.notes) || null,
      verified_on: pick('verified_on', before.verified_on),
    });
    if (!after) throw notFound();
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'contact.update',
      targetType: 'contact',
      targetId: after.id,
      before: auditedContact(before),
      after: auditedContact(after),
    });
    return presentContact(after);
  });
}

export async function verifyContact(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org } = opts;
  authorise(contactsPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findContact(tx, org.id, opts.id);
    if (!before) throw notFound();
    const after = await q.markVerified(tx, org.id, opts.id);
    if (!after) throw notFound();
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'contact.verify',
      targetType: 'contact',
      targetId: after.id,
      before: { verified_on: before.verified_on },
      after: { verified_on: after.verified_on },
    });
    return presentContact(after);
  });
}

export async function deleteContact(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org } = opts;
  authorise(contactsPolicy.write(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findContact(tx, org.id, opts.id);
    if (!before) throw notFound();
    await q.deleteContact(tx, org.id, opts.id);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'contact.delete',
      targetType: 'contact',
      targetId: before.id,
      before: auditedContact(before),
    });
  });
}

/** Every organisation's contacts, for a sector coordinator (through the reviewed definer path). */
export async function listSectorContacts(opts: {
  ctx: AppContext;
  actor: Actor;
  overdueOnly: boolean;
  limit: number;
  after?: [string, string, string, string];
}) {
  const sectorUnitId = contactsPolicy.sectorUnitOf(opts.actor);
  if (!sectorUnitId) throw forbidden('contacts.not_sector_coordinator');
  return withTenant(opts.ctx.db.kysely, scopeOf(opts.actor, sectorUnitId), async (tx) =>
    (
      await q.listSectorContacts(tx, {
        sectorUnitId,
        overdueOnly: opts.overdueOnly,
        limit: opts.limit + 1,
        after: opts.after,
      })
    ).map((row) => ({ row, item: presentSectorContact(row) })),
  );
}
