/** Roles a person can hold in an organisation (DESIGN.md, "Roles"). */
export const ORG_ROLES = [
  'admin',
  'security_officer',
  'system_owner',
  'management',
  'auditor',
  'member',
  'sector_coordinator',
] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Roles an API token may carry: never one that signs or administers. */
export const TOKEN_ROLES = ['security_officer', 'system_owner', 'auditor', 'member'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Roles whose holders must sign in with a second factor. */
export const MFA_ROLES: readonly OrgRole[] = [
  'admin',
  'security_officer',
  'management',
  'sector_coordinator',
];

/** Platform administrators and holders of a signing or administering role need a second factor. */
export const mfaRequiredFor = (platformAdmin: boolean, roles: readonly string[]): boolean =>
  platformAdmin || roles.some((r) => MFA_ROLES.includes(r as OrgRole));

export const ORG_KINDS = [
  'sector_unit',
  'region',
  'hospital',
  'municipality',
  'practice',
  'pharmacy',
  'supplier',
  'other',
] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export interface Membership {
  orgId: string;
  slug: string;
  kind: string;
  roles: OrgRole[];
  /**
   * Set when the access comes only from an auditor grant (no standing membership): the end of
   * its access window. The next request after it finds no grant and so no membership.
   */
  accessUntil?: Date;
  /** The grant's data period (ISO dates, both inclusive; null: open), when it has one. */
  dataPeriod?: DataPeriod;
}

/** A period of records: YYYY-MM-DD dates, both days inclusive (UTC); null leaves that end open. */
export interface DataPeriod {
  from: string | null;
  to: string | null;
}

export type Actor =
  | {
      kind: 'user';
      userId: string;
      email: string;
      name: string;
      locale: 'da' | 'en';
      platformAdmin: boolean;
      memberships: Membership[];
      sessionId: string;
      /** Holds a role that needs a second factor but has none enrolled (granted after sign-in). */
      mfaMissing?: boolean;
    }
  | { kind: 'token'; tokenId: string; tokenName: string; orgId: string; orgSlug: string; role: TokenRole }
  /** Whoever runs the CLI with access to the instance's data directory or DATABASE_URL. */
  | { kind: 'operator'; label: string }
  /** A background job, acting for the actor that started it. */
  | { kind: 'job'; job: string; orgId: string; onBehalfOf: ActorRef };

/** How an actor is recorded in the audit trail and on records it creates. */
export interface ActorRef {
  type: 'user' | 'token' | 'operator' | 'job' | 'anonymous';
  id?: string;
  name?: string;
}

export function actorRef(actor: Actor | undefined): ActorRef {
  if (!actor) return { type: 'anonymous' };
  switch (actor.kind) {
    case 'user':
      return { type: 'user', id: actor.userId, name: actor.email };
    case 'token':
      return { type: 'token', id: actor.tokenId, name: actor.tokenName };
    case 'operator':
      return { type: 'operator', name: actor.label };
    case 'job':
      return { type: 'job', name: actor.job, id: actor.onBehalfOf.id };
  }
}

/** The roles an actor holds in one organisation. The operator holds none but passes every check. */
export function rolesIn(actor: Actor, orgId: string): OrgRole[] {
  switch (actor.kind) {
    case 'user':
      return actor.memberships.find((m) => m.orgId === orgId)?.roles ?? [];
    case 'token':
      return actor.orgId === orgId ? [actor.role] : [];
    default:
      return [];
  }
}

export function hasAnyRole(actor: Actor, orgId: string, roles: readonly OrgRole[]): boolean {
  if (actor.kind === 'operator') return true;
  if (actor.kind === 'job') return actor.orgId === orgId;
  const held = rolesIn(actor, orgId);
  return held.some((r) => roles.includes(r));
}

export function isMember(actor: Actor, orgId: string): boolean {
  if (actor.kind === 'operator') return true;
  if (actor.kind === 'job') return actor.orgId === orgId;
  return rolesIn(actor, orgId).length > 0;
}

/**
 * The sector unit in which a signed-in person is sector coordinator (the one role that sees and
 * writes sector-wide: advisories, alerts, contacts, the sector's scorecards); undefined for anyone
 * else, tokens and jobs included.
 */
export function sectorCoordinatorUnit(actor: Actor): Membership | undefined {
  if (actor.kind !== 'user') return undefined;
  return actor.memberships.find((m) => m.kind === 'sector_unit' && m.roles.includes('sector_coordinator'));
}
