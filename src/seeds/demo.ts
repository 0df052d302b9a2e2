import type { AppContext } from '../server/context.js';
import { OPERATOR_SCOPE, withTenant } from '../server/db/tenant.js';
import type { OrgRef } from '../server/http/types.js';
import { type Actor, MFA_ROLES, type OrgKind, type OrgRole } from '../server/lib/actor.js';
import { createMailer } from '../server/lib/mail.js';
import { MFA_SECRET_PURPOSE, sealSecret } from '../server/lib/secretbox.js';
import { PLATFORM_CHAIN } from '../server/modules/audit/chain.js';
import { recordAudit } from '../server/modules/audit/record.js';
import { createContactBody } from '../server/modules/contacts/schemas.js';
import { createContact } from '../server/modules/contacts/service.js';
import { createOrganisationBody, createUserBody } from '../server/modules/directory/schemas.js';
import { createOrganisation, createUser } from '../server/modules/directory/service.js';
import { createGrantBody } from '../server/modules/grants/schemas.js';
import { createGrant } from '../server/modules/grants/service.js';
import { createInvitation } from '../server/modules/people/service.js';
import { daysBefore, demoContacts } from './demo-contacts.js';
import { seedDemoInventory } from './demo-inventory.js';
import { DEMO_PEOPLE } from './demo-people.js';

/**
 * The demo sector: a small, believable Danish health sector for trying Værn out. It is built
 * through the directory's service functions as the operator "seed", so every organisation,
 * user and membership is in the audit trail like any other change. Demo only: the passwords and
 * the TOTP secret below are public (README.md lists them).
 */

export { DEMO_PEOPLE } from './demo-people.js';

/** The sector unit's slug; its presence means the demo sector is loaded. */
export const DEMO_SECTOR_SLUG = 'sektorenheden';

/** The one TOTP secret (base32, 160 bits) of every demo login that needs a second factor. */
export const DEMO_TOTP_SECRET = 'VAERNDEMOVAERNDEMOVAERNDEMOVAERN';

export interface DemoLogin {
  /** An organisation role, or `platform_admin`. */
  role: OrgRole | 'platform_admin';
  email: string;
  password: string;
  /** The organisation the role is held in; null for the platform administrator. */
  org: string | null;
  /** Base32 TOTP secret for the roles that must sign in with a second factor. */
  totpSecret: string | undefined;
  /** Access through a time-limited auditor grant rather than a standing membership. */
  via?: 'grant';
}

interface DemoOrg {
  slug: string;
  name: string;
  kind: OrgKind;
  parent?: string;
  region?: string;
}

const REGIONS: DemoOrg[] = [
  { slug: 'region-hovedstaden', name: 'Region Hovedstaden', kind: 'region' },
  { slug: 'region-sjaelland', name: 'Region Sjælland', kind: 'region' },
  { slug: 'region-syddanmark', name: 'Region Syddanmark', kind: 'region' },
  { slug: 'region-midtjylland', name: 'Region Midtjylland', kind: 'region' },
  { slug: 'region-nordjylland', name: 'Region Nordjylland', kind: 'region' },
];

const hospital = (slug: string, name: string, region: string): DemoOrg => ({
  slug,
  name,
  kind: 'hospital',
  parent: region,
});
const inRegion = (kind: OrgKind, slug: string, name: string, region: string): DemoOrg => ({
  slug,
  name,
  kind,
  region,
});

/** In creation order: a parent or region always exists before the organisations that name it. */
export const DEMO_ORGS: DemoOrg[] = [
  ...REGIONS,
  hospital('rigshospitalet', 'Rigshospitalet', 'region-hovedstaden'),
  hospital('herlev-gentofte-hospital', 'Herlev og Gentofte Hospital', 'region-hovedstaden'),
  hospital('sjaellands-universitetshospital', 'Sjællands Universitetshospital', 'region-sjaelland'),
  hospital('odense-universitetshospital', 'Odense Universitetshospital', 'region-syddanmark'),
  hospital('sydvestjysk-sygehus', 'Sydvestjysk Sygehus', 'region-syddanmark'),
  hospital('aarhus-universitetshospital', 'Aarhus Universitetshospital', 'region-midtjylland'),
  hospital('regionshospitalet-goedstrup', 'Regionshospitalet Gødstrup', 'region-midtjylland'),
  hospital('aalborg-universitetshospital', 'Aalborg Universitetshospital', 'region-nordjylland'),
  inRegion('municipality', 'koebenhavns-kommune', 'Københavns Kommune', 'region-hovedstaden'),
  inRegion('municipality', 'roskilde-kommune', 'Roskilde Kommune', 'region-sjaelland'),
  inRegion('municipality', 'odense-kommune', 'Odense Kommune', 'region-syddanmark'),
  inRegion('municipality', 'aarhus-kommune', 'Aarhus Kommune', 'region-midtjylland'),
  inRegion('municipality', 'aalborg-kommune', 'Aalborg Kommune', 'region-nordjylland'),
  inRegion('practice', 'laegehuset-noerrebro', 'Lægehuset Nørrebro', 'region-hovedstaden'),
  inRegion('practice', 'laegerne-ved-havnen', 'Lægerne ved Havnen', 'region-syddanmark'),
  inRegion('practice', 'laegerne-i-viborg', 'Lægerne i Viborg', 'region-midtjylland'),
  inRegion('pharmacy', 'apoteket-ved-domkirken', 'Apoteket ved Domkirken', 'region-sjaelland'),
  inRegion('pharmacy', 'apoteket-limfjorden', 'Apoteket Limfjorden', 'region-nordjylland'),
  { slug: 'nordlys-sundheds-it', name: 'Nordlys Sundheds-IT A/S', kind: 'supplier' },
  // Created last by seedDemo: its presence is what demoSectorLoaded checks, so an interrupted
  // seed is not taken for done.
  {
    slug: DEMO_SECTOR_SLUG,
    name: 'Sektorenheden for cyber- og informationssikkerhed i sundhedssektoren',
    kind: 'sector_unit',
  },
];

interface DemoUser {
  email: string;
  name: string;
  password: string;
  /** Organisation and role; absent for the platform administrator and the external auditor. */
  membership?: { org: string; role: OrgRole };
  /** An external auditor's access: an auditor grant for `days` from the seed, with a data period. */
  grant?: { org: string; days: number };
}

/** Invitations of Region Hovedstaden that are still open (never sent). */
export const DEMO_INVITATIONS: Array<{ email: string; name: string; roles: OrgRole[] }> = [
  { email: 'ny.sikkerhedskoordinator@regionh.example', name: 'Camilla Friis', roles: ['security_officer'] },
  { email: 'vikar.it@regionh.example', name: 'Oliver Bach', roles: ['member'] },
];

/** One login per role; every password is public (demo only). */
export const DEMO_USERS: DemoUser[] = [
  { email: 'platform@vaern.example', name: 'Jens Lund', password: 'vaern-demo-platform' },
  {
    email: 'koordinator@sektorenheden.example',
    name: 'Sofie Kjær',
    password: 'vaern-demo-koordinator',
    membership: { org: DEMO_SECTOR_SLUG, role: 'sector_coordinator' },
  },
  {
    email: 'admin@regionh.example',
    name: 'Lars Nielsen',
    password: 'vaern-demo-admin',
    membership: { org: 'region-hovedstaden', role: 'admin' },
  },
  {
    email: 'sikkerhed@regionh.example',
    name: 'Anne Holm',
    password: 'vaern-demo-sikkerhed',
    membership: { org: 'region-hovedstaden', role: 'security_officer' },
  },
  {
    email: 'direktion@regionh.example',
    name: 'Karen Dahl',
    password: 'vaern-demo-ledelse',
    membership: { org: 'region-hovedstaden', role: 'management' },
  },
  {
    email: 'revisor@regionh.example',
    name: 'Peter Skov',
    password: 'vaern-demo-revisor',
    membership: { org: 'region-hovedstaden', role: 'auditor' },
  },
  {
    email: 'revisor@revisionsfirma.example',
    name: 'Hanne Vestergaard',
    password: 'vaern-demo-ekstern',
    grant: { org: 'region-hovedstaden', days: 90 },
  },
  {
    email: 'systemejer@rigshospitalet.example',
    name: 'Mads Berg',
    password: 'vaern-demo-systemejer',
    membership: { org: 'rigshospitalet', role: 'system_owner' },
  },
  {
    email: 'medarbejder@rigshospitalet.example',
    name: 'Ida Møller',
    password: 'vaern-demo-medarbejder',
    membership: { org: 'rigshospitalet', role: 'member' },
  },
  {
    email: 'sikkerhed@rm.example',
    name: 'Henrik Bach',
    password: 'vaern-demo-midtjylland',
    membership: { org: 'region-midtjylland', role: 'security_officer' },
  },
];

const SEED_ACTOR: Actor = { kind: 'operator', label: 'seed' };

/** Whoever holds a role that MFA_ROLES names, and every platform administrator, signs in with TOTP. */
const needsMfa = (u: DemoUser) =>
  u.membership === undefined ? u.grant === undefined : MFA_ROLES.includes(u.membership.role);

/** Raised when the sector unit already exists: the demo is loaded once per database. */
export class DemoAlreadyLoadedError extends Error {
  constructor() {
    super(`The demo sector is already loaded (the organisation "${DEMO_SECTOR_SLUG}" exists).`);
  }
}

/** Whether the demo sector's unit exists in this database. */
async function findDemoOrg(ctx: AppContext, slug: string): Promise<OrgRef> {
  const row = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) =>
    tx.q
      .selectFrom('organisations')
      .select(['id', 'slug', 'kind', 'name'])
      .where('slug', '=', slug)
      .executeTakeFirst(),
  );
  if (!row) throw new Error(`the demo sector has no organisation ${slug}`);
  return row;
}

export async function demoSectorLoaded(ctx: AppContext): Promise<boolean> {
  const row = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) =>
    tx.q.selectFrom('organisations').select('id').where('slug', '=', DEMO_SECTOR_SLUG).executeTakeFirst(),
  );
  return row !== undefined;
}

/** The demo contacts directory: a few entries per organisation (demo-contacts.ts). */
export const DEMO_CONTACTS = demoContacts(DEMO_ORGS);

/**
 * Loads the demo sector: organisations with their contacts, more people in the hospitals, one
 * user per role, and for the roles that require it a TOTP second factor already enrolled with
 * DEMO_TOTP_SECRET (sealed under VAERN_SECRET as the login flow expects), and last every
 * organisation's inventory (demo-inventory.ts, set-based: see there why). Each organisation,
 * contact and user is its own audited transaction; the MFA enrolments are one more. Everything
 * that does not need the sector unit comes before it, since the unit marks the demo as loaded.
 */
export async function seedDemo(ctx: AppContext): Promise<{ logins: DemoLogin[] }> {
  if (await demoSectorLoaded(ctx)) throw new DemoAlreadyLoadedError();
  const today = new Date();
  const addContacts = async (org: OrgRef) => {
    for (const c of DEMO_CONTACTS.filter((x) => x.org === org.slug)) {
      const input = createContactBody.parse({
        role: c.role,
        name: c.name,
        phone: c.phone,
        email: c.email,
        notes: c.notes ?? null,
        verified_on: daysBefore(today, c.verifiedDaysAgo),
      });
      await createContact({ ctx, actor: SEED_ACTOR, org, input });
    }
  };
  const unit = DEMO_ORGS.find((o) => o.slug === DEMO_SECTOR_SLUG);
  if (!unit) throw new Error('the demo sector has no sector unit');
  for (const org of DEMO_ORGS.filter((o) => o !== unit)) {
    await addContacts(
      await createOrganisation({ ctx, actor: SEED_ACTOR, input: createOrganisationBody.parse(org) }),
    );
  }
  for (const p of DEMO_PEOPLE) {
    const input = createUserBody.parse({ email: p.email, name: p.name, org: p.org, role: p.role });
    await createUser({ ctx, actor: SEED_ACTOR, input });
  }
  await addContacts(
    await createOrganisation({ ctx, actor: SEED_ACTOR, input: createOrganisationBody.parse(unit) }),
  );
  const created: Array<{ id: string; user: DemoUser }> = [];
  for (const user of DEMO_USERS) {
    const input = createUserBody.parse({
      email: user.email,
      name: user.name,
      password: user.password,
      platform_admin: user.membership === undefined && user.grant === undefined,
      ...(user.membership ? { org: user.membership.org, role: user.membership.role } : {}),
    });
    const row = await createUser({ ctx, actor: SEED_ACTOR, input });
    created.push({ id: row.id, user });
  }
  const enrolled = created.filter((c) => needsMfa(c.user));
  await withTenant(ctx.db.kysely, OPERATOR_SCOPE, async (tx) => {
    for (const { id, user } of enrolled) {
      await tx.q
        .updateTable('users')
        .set({
          mfa_secret: sealSecret(ctx.config.secret, MFA_SECRET_PURPOSE, DEMO_TOTP_SECRET),
          mfa_enabled_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, ctx.anchors, {
        chain: PLATFORM_CHAIN,
        actor: SEED_ACTOR,
        action: 'user.mfa_enable',
        targetType: 'user',
        targetId: id,
        after: { email: user.email, method: 'totp', source: 'demo seed' },
      });
    }
  });
  for (const { user } of created) {
    if (!user.grant) continue;
    const org = await findDemoOrg(ctx, user.grant.org);
    const ends = new Date(today.getTime() + user.grant.days * 86_400_000);
    const input = createGrantBody.parse({
      email: user.email,
      ends_at: ends.toISOString(),
      data_from: `${today.getUTCFullYear()}-01-01`,
      note: 'Ekstern revision af informationssikkerheden (demo)',
    });
    await createGrant({ ctx, actor: SEED_ACTOR, org, input });
  }
  // Two invitations not yet accepted, so the admin's list of people is not empty of them. The
  // links are not sent: the seed never mails, even where SMTP is configured (.example addresses).
  const quiet: AppContext = { ...ctx, mailer: createMailer({ smtpUrl: undefined, mailFrom: '' }) };
  const hovedstaden = await findDemoOrg(ctx, 'region-hovedstaden');
  for (const invitation of DEMO_INVITATIONS) {
    await createInvitation({ ctx: quiet, actor: SEED_ACTOR, org: hovedstaden, input: invitation });
  }
  // The inventory (demo-inventory.ts): set-based, one transaction and audit entry per organisation.
  const orgRows = await withTenant(ctx.db.kysely, OPERATOR_SCOPE, (tx) =>
    tx.q
      .selectFrom('organisations')
      .select(['id', 'slug', 'kind'])
      .where(
        'slug',
        'in',
        DEMO_ORGS.map((o) => o.slug),
      )
      .execute(),
  );
  const bySlug = new Map(orgRows.map((o) => [o.slug, o]));
  await seedDemoInventory(
    ctx,
    SEED_ACTOR,
    DEMO_ORGS.map((o) => {
      const row = bySlug.get(o.slug);
      if (!row) throw new Error(`the demo sector has no organisation ${o.slug}`);
      const contact = DEMO_CONTACTS.find((c) => c.org === o.slug);
      return {
        id: row.id,
        slug: o.slug,
        kind: o.kind,
        domain: contact?.email.split('@')[1] ?? `${o.slug}.example`,
      };
    }),
    today,
  );
  return {
    logins: DEMO_USERS.map((u) => ({
      role: u.membership?.role ?? (u.grant ? 'auditor' : 'platform_admin'),
      email: u.email,
      password: u.password,
      org: u.membership?.org ?? u.grant?.org ?? null,
      totpSecret: needsMfa(u) ? DEMO_TOTP_SECRET : undefined,
      ...(u.grant ? { via: 'grant' as const } : {}),
    })),
  };
}
