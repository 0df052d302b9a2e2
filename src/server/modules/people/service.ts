import type { AppContext } from '../../context.js';
import { scopeOf, type Tx, withTenant } from '../../db/tenant.js';
import type { OrgRef } from '../../http/types.js';
import type { Actor, OrgRole } from '../../lib/actor.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { hashPassword } from '../../lib/password.js';
import { PLATFORM_CHAIN } from '../audit/chain.js';
import { recordAudit } from '../audit/record.js';
import { readSetting } from '../settings/registry.js';
import { formatExpiry, sendPeopleMail } from './mailing.js';
import './messages.js';
import { authorise, peoplePolicy } from './policy.js';
import { presentInvitation, presentMember } from './present.js';
import * as q from './queries.js';
import { type IssuedLink, issueAdminLink, resetLinkOf } from './reset.js';

type Locale = 'da' | 'en';
const asLocale = (l: string): Locale => (l === 'en' ? 'en' : 'da');

function checkRolesFit(org: OrgRef, roles: readonly OrgRole[]) {
  if (roles.includes('sector_coordinator') && org.kind !== 'sector_unit') {
    throw badRequest('directory.role_not_allowed', { role: 'sector_coordinator' });
  }
}

/** The member and, for account-wide steps, the escalation guard (policy.mayTakeOver / mayRemove). */
async function memberInReach(
  tx: Tx,
  actor: Actor,
  org: OrgRef,
  userId: string,
  guard: 'take_over' | 'remove' | null,
) {
  const member = await q.findMember(tx, org.id, userId);
  if (!member) throw notFound();
  if (guard) {
    const found = await q.findTarget(tx, userId);
    if (!found) throw notFound();
    const target = { platformAdmin: found.platform_admin, orgIds: found.org_ids };
    const allowed =
      guard === 'take_over' ? peoplePolicy.mayTakeOver(actor, target) : peoplePolicy.mayRemove(actor, target);
    if (!allowed) throw forbidden('people.needs_platform_admin');
  }
  return member;
}

// --- Members -----------------------------------------------------------------------------

/** Replaces a member's roles in the organisation, in one transaction; never leaves it without an admin. */
export async function setMemberRoles(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  userId: string;
  roles: OrgRole[];
}) {
  const { ctx, actor, org, userId } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  checkRolesFit(org, opts.roles);
  const roles = [...opts.roles].sort();
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const admins = await q.lockAdmins(tx, org.id);
    const member = await memberInReach(tx, actor, org, userId, null);
    if (admins.includes(userId) && !roles.includes('admin') && admins.length <= 1) {
      throw conflict('people.last_admin');
    }
    await q.replaceRoles(tx, org.id, userId, roles);
    const before = presentMember(member);
    const after = presentMember({ ...member, roles });
    if (before.roles.join() !== after.roles.join()) {
      await recordAudit(tx, ctx.anchors, {
        chain: org.id,
        actor,
        action: 'member.roles_change',
        targetType: 'user',
        targetId: userId,
        before: { email: member.email, roles: before.roles },
        after: { email: member.email, roles: after.roles },
      });
    }
    return after;
  });
}

/**
 * Deactivates a leaver: removes their memberships here, revokes the organisation's API tokens
 * they created, ends every session of theirs at once, and deactivates the account when they
 * belong nowhere else (and are not a platform administrator).
 */
export async function deactivateMember(opts: { ctx: AppContext; actor: Actor; org: OrgRef; userId: string }) {
  const { ctx, actor, org, userId } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  if (actor.kind === 'user' && actor.userId === userId) throw conflict('people.cannot_remove_self');
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const admins = await q.lockAdmins(tx, org.id);
    const member = await memberInReach(tx, actor, org, userId, 'remove');
    if (admins.includes(userId) && admins.length <= 1) throw conflict('people.last_admin');
    const tokensRevoked = await q.revokeTokensCreatedBy(tx, org.id, userId);
    const done = await q.offboard(tx, org.id, userId);
    if (!done) throw notFound();
    const result = {
      user_id: userId,
      removed_roles: done.removed_roles,
      tokens_revoked: tokensRevoked,
      sessions_revoked: Number(done.sessions_revoked),
      account_deactivated: done.account_deactivated,
    };
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'member.deactivate',
      targetType: 'user',
      targetId: userId,
      before: { email: member.email, roles: member.roles },
      after: result,
    });
    return result;
  });
}

/** Clears a member's second factor (seed, enrolment, recovery codes) and ends their sessions. */
export async function resetMemberMfa(opts: { ctx: AppContext; actor: Actor; org: OrgRef; userId: string }) {
  const { ctx, actor, org, userId } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const member = await memberInReach(tx, actor, org, userId, 'take_over');
    const sessions = await q.resetMember(tx, userId, { mfa: true, password: false });
    if (sessions === null) throw forbidden('people.needs_platform_admin');
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'member.mfa_reset',
      targetType: 'user',
      targetId: userId,
      after: { email: member.email, sessions_revoked: sessions },
    });
    return { user_id: userId };
  });
}

/**
 * An admin's password reset: the current password stops working at once, every session ends,
 * and a single-use link goes to the person (or, without SMTP, back to the admin).
 */
export async function resetMemberPassword(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  userId: string;
}): Promise<IssuedLink> {
  const { ctx, actor, org, userId } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const member = await memberInReach(tx, actor, org, userId, 'take_over');
    const sessions = await q.resetMember(tx, userId, { mfa: false, password: true });
    if (sessions === null) throw forbidden('people.needs_platform_admin');
    // The mail goes out before commit (a refused one undoes the reset); the link is never recorded.
    const issued = await issueAdminLink(tx, ctx, {
      userId,
      email: member.email,
      name: member.name,
      locale: asLocale(member.locale),
      orgName: org.name,
      purpose: 'admin_reset',
    });
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'member.password_reset',
      targetType: 'user',
      targetId: userId,
      after: {
        email: member.email,
        sessions_revoked: sessions,
        sent: issued.sent,
        expires_at: issued.expires_at,
      },
    });
    return issued;
  });
}

// --- Invitations -------------------------------------------------------------------------

const invitationLinkOf = (ctx: AppContext, token: string) =>
  `${ctx.config.publicUrl}/invitation#token=${token}`;

const inviterLabel = (actor: Actor): string => {
  switch (actor.kind) {
    case 'user':
      return actor.name || actor.email;
    case 'operator':
      return actor.label;
    case 'token':
      return actor.tokenName;
    case 'job':
      return actor.job;
  }
};

/**
 * Invites a person by e-mail. With SMTP the mail is sent before the transaction commits, so a
 * refused mail stores nothing (502 mail.send_failed); without SMTP the link is returned.
 */
export async function createInvitation(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  input: { email: string; name?: string | undefined; roles: OrgRole[]; locale?: Locale | undefined };
}) {
  const { ctx, actor, org, input } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  checkRolesFit(org, input.roles);
  const locale: Locale = input.locale ?? (actor.kind === 'user' ? actor.locale : 'da');
  const token = randomToken(32);
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    if (await q.emailIsMember(tx, org.id, input.email)) {
      throw conflict('people.already_member', { email: input.email });
    }
    if (await q.hasPendingInvitation(tx, org.id, input.email)) {
      throw conflict('people.already_invited', { email: input.email });
    }
    const row = await q.insertInvitation(tx, {
      org_id: org.id,
      email: input.email,
      name: input.name ?? null,
      roles: [...input.roles].sort(),
      locale,
      token_hash: sha256Hex(token),
      invited_by: actor.kind === 'user' ? actor.userId : null,
      invited_by_label: inviterLabel(actor),
      ttl_hours: await readSetting(tx, 'invitation_ttl_hours'),
    });
    const presented = presentInvitation(row);
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'invitation.create',
      targetType: 'invitation',
      targetId: row.id,
      after: { ...presented, locale, sent: ctx.mailer.configured },
    });
    const link = invitationLinkOf(ctx, token);
    if (!ctx.mailer.configured) return { ...presented, sent: false, link };
    await sendPeopleMail(ctx, {
      to: input.email,
      locale,
      subject: 'people.mail.invitation_subject',
      text: 'people.mail.invitation_text',
      params: {
        greeting: input.name ? ` ${input.name}` : '',
        inviter: inviterLabel(actor),
        org: org.name,
        link,
        expires: formatExpiry(new Date(row.expires_at)),
      },
    });
    return { ...presented, sent: true };
  });
}

export async function listInvitations(opts: {
  ctx: AppContext;
  actor: Actor;
  org: OrgRef;
  limit: number;
  after?: [string, string] | undefined;
  status?: q.InvitationRow['status'] | undefined;
}) {
  const { ctx, actor, org } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), (tx) =>
    q.listInvitations(tx, org.id, { limit: opts.limit + 1, after: opts.after, status: opts.status }),
  );
}

/** Withdraws a pending invitation; its link stops working at once. */
export async function revokeInvitation(opts: { ctx: AppContext; actor: Actor; org: OrgRef; id: string }) {
  const { ctx, actor, org, id } = opts;
  authorise(peoplePolicy.manage(actor, org.id));
  return withTenant(ctx.db.kysely, scopeOf(actor, org.id), async (tx) => {
    const before = await q.findInvitation(tx, org.id, id);
    if (!before) throw notFound();
    if (before.status === 'revoked') return presentInvitation(before);
    if (before.status === 'accepted') throw conflict();
    const after = await q.revokeInvitation(tx, org.id, id);
    if (!after) throw conflict();
    await recordAudit(tx, ctx.anchors, {
      chain: org.id,
      actor,
      action: 'invitation.revoke',
      targetType: 'invitation',
      targetId: id,
      before: presentInvitation(before),
      after: presentInvitation(after),
    });
    return presentInvitation(after);
  });
}

const invitationInvalid = () => new AppError(410, 'people.invitation_invalid');

async function findValidInvitation(ctx: AppContext, token: string) {
  const found = await withTenant(ctx.db.kysely, { orgIds: [] }, (tx) =>
    q.lookupInvitation(tx, sha256Hex(token)),
  );
  if (!found) throw invitationInvalid();
  return found;
}

/** What a link invites to, for the page that accepts it (public). */
export async function lookupInvitation(opts: { ctx: AppContext; token: string }) {
  const inv = await findValidInvitation(opts.ctx, opts.token);
  return {
    org: { slug: inv.org_slug, name: inv.org_name },
    email: inv.email,
    name: inv.name,
    roles: inv.roles as OrgRole[],
    expires_at: new Date(inv.expires_at).toISOString(),
    account_exists: inv.account_exists,
  };
}

/** The person accepting, as the audit trail records them. */
const personActor = (userId: string, email: string, name: string): Actor => ({
  kind: 'user',
  userId,
  email,
  name,
  locale: 'en',
  platformAdmin: false,
  memberships: [],
  sessionId: '',
});

/**
 * Accepts an invitation (public). Without an account for the address the person chooses a name
 * and password and the account is created; with one, the request must come from that person's
 * signed-in session. Single use: vaern_invitation_accept claims the invitation atomically.
 * The transaction is scoped to the inviting organisation only, on the strength of the token.
 */
export async function acceptInvitation(opts: {
  ctx: AppContext;
  actor: Actor | undefined;
  token: string;
  name?: string | undefined;
  password?: string | undefined;
}) {
  const { ctx, actor, token } = opts;
  const inv = await findValidInvitation(ctx, token);
  const signedIn = actor?.kind === 'user' && actor.email === inv.email ? actor : undefined;
  if (inv.account_exists && !signedIn) throw conflict('people.sign_in_to_accept', { email: inv.email });
  let passwordHash: string | null = null;
  const name = opts.name ?? inv.name ?? undefined;
  if (!signedIn) {
    if (!name || !opts.password) {
      throw new AppError(400, 'people.name_password_required', {}, [
        ...(name ? [] : [{ path: 'body.name', message: 'required', code: 'validation.required' }]),
        ...(opts.password
          ? []
          : [{ path: 'body.password', message: 'required', code: 'validation.required' }]),
      ]);
    }
    passwordHash = await hashPassword(opts.password);
  }
  const scope = { orgIds: [inv.org_id], ...(signedIn ? { userId: signedIn.userId } : {}) };
  let result: Awaited<ReturnType<typeof q.acceptInvitation>>;
  try {
    result = await withTenant(ctx.db.kysely, scope, async (tx) => {
      const accepted = await q.acceptInvitation(tx, {
        tokenHash: sha256Hex(token),
        userId: signedIn?.userId ?? null,
        name: signedIn ? null : (name ?? null),
        passwordHash,
      });
      if (!accepted) throw invitationInvalid();
      const who = signedIn ?? personActor(accepted.user_id, accepted.email, name ?? accepted.email);
      if (accepted.account_created) {
        await recordAudit(tx, ctx.anchors, {
          chain: PLATFORM_CHAIN,
          actor: who,
          action: 'user.create',
          targetType: 'user',
          targetId: accepted.user_id,
          after: { email: accepted.email, name, via: 'invitation', invitation_id: accepted.invitation_id },
        });
      }
      await recordAudit(tx, ctx.anchors, {
        chain: inv.org_id,
        actor: who,
        action: 'invitation.accept',
        targetType: 'invitation',
        targetId: accepted.invitation_id,
        after: {
          email: accepted.email,
          user_id: accepted.user_id,
          roles: accepted.roles,
          account_created: accepted.account_created,
        },
      });
      return accepted;
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Another account took the address meanwhile, or the session is not the invited person's.
    if (code === '23505' || code === '42501')
      throw conflict('people.sign_in_to_accept', { email: inv.email });
    throw error;
  }
  return {
    email: result.email,
    org: { slug: inv.org_slug, name: inv.org_name },
    account_created: result.account_created,
    roles: result.roles as OrgRole[],
  };
}

// --- Password reset by e-mail -------------------------------------------------------------

/**
 * Asks for a reset link (public). The answer is the same whether or not the address has an
 * account; the mail goes out after commit without holding up the answer, so that neither the
 * answer nor its timing tells which addresses exist. Without SMTP nothing is issued.
 */
export async function requestPasswordReset(opts: { ctx: AppContext; email: string }): Promise<void> {
  const { ctx, email } = opts;
  if (!ctx.mailer.configured) {
    ctx.log.warn('password reset requested, but SMTP is not configured (SMTP_URL): no link was sent');
    return;
  }
  const token = randomToken(32);
  await withTenant(ctx.db.kysely, { orgIds: [] }, async (tx) => {
    const ttl = await readSetting(tx, 'password_reset_ttl_minutes');
    const person = await q.requestReset(tx, email, sha256Hex(token), ttl);
    if (!person) return;
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor: undefined,
      action: 'user.password_reset_request',
      targetType: 'user',
      targetId: person.user_id,
      after: { email: person.email, expires_at: new Date(person.expires_at).toISOString() },
    });
    tx.onCommit(() => {
      sendPeopleMail(ctx, {
        to: person.email,
        locale: asLocale(person.locale),
        subject: 'people.mail.reset_subject',
        text: 'people.mail.reset_text',
        params: {
          name: person.name,
          link: resetLinkOf(ctx, token),
          expires: formatExpiry(new Date(person.expires_at)),
        },
      }).catch(() => {
        /* logged by sendPeopleMail; the person can ask again */
      });
    });
  });
}

/** Uses a reset or set-up link once: new password, lockout cleared, every session ended. */
export async function completePasswordReset(opts: { ctx: AppContext; token: string; password: string }) {
  const { ctx, token } = opts;
  const passwordHash = await hashPassword(opts.password);
  return withTenant(ctx.db.kysely, { orgIds: [] }, async (tx) => {
    const done = await q.consumeReset(tx, sha256Hex(token), passwordHash);
    if (!done) throw new AppError(410, 'people.reset_invalid');
    await recordAudit(tx, ctx.anchors, {
      chain: PLATFORM_CHAIN,
      actor: personActor(done.user_id, done.email, done.email),
      action: 'user.password_reset',
      targetType: 'user',
      targetId: done.user_id,
      after: { email: done.email, purpose: done.purpose },
    });
    return { email: done.email };
  });
}
