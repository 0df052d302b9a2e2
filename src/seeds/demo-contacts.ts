import type { OrgKind } from '../server/lib/actor.js';
import type { ContactRole } from '../server/modules/contacts/schemas.js';

/**
 * The demo sector's contacts directory: for every demo organisation the people to call, by the
 * contact roles that fit its size (a small practice has no DPO or crisis staff of its own). Names,
 * numbers and addresses are made up; every address is on an `.example` domain. A few entries were
 * last verified more than 12 months before the seed runs, so the overdue view has something to show.
 */

export interface DemoContact {
  org: string;
  role: ContactRole;
  name: string;
  phone: string;
  email: string;
  notes?: string;
  /** Days before the day of seeding on which the entry was last verified. */
  verifiedDaysAgo: number;
}

/** Contact roles by organisation kind. */
const ROLES_BY_KIND: Record<OrgKind, ContactRole[]> = {
  sector_unit: ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'],
  region: ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'],
  hospital: ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'],
  municipality: ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'],
  practice: ['security_officer', 'it_on_call'],
  pharmacy: ['security_officer', 'dpo', 'it_on_call'],
  supplier: ['security_officer', 'dpo', 'it_on_call', 'crisis_staff'],
  other: ['security_officer'],
};

/** E-mail domains that differ from `<slug>.example` (the demo logins already use these). */
const DOMAINS: Record<string, string> = {
  'region-hovedstaden': 'regionh.example',
  'region-sjaelland': 'regionsjaelland.example',
  'region-syddanmark': 'rsyd.example',
  'region-midtjylland': 'rm.example',
  'region-nordjylland': 'rn.example',
  'nordlys-sundheds-it': 'nordlys-it.example',
};

/** People who also hold a demo login and are the obvious contact for that role. */
const NAMED: Record<string, Partial<Record<ContactRole, { name: string; email: string }>>> = {
  'region-hovedstaden': { security_officer: { name: 'Anne Holm', email: 'sikkerhed@regionh.example' } },
  'region-midtjylland': { security_officer: { name: 'Henrik Bach', email: 'sikkerhed@rm.example' } },
  sektorenheden: { crisis_staff: { name: 'Sofie Kjær', email: 'koordinator@sektorenheden.example' } },
};

const FIRST = [
  'Mette',
  'Søren',
  'Camilla',
  'Thomas',
  'Louise',
  'Rasmus',
  'Helle',
  'Jesper',
  'Maria',
  'Mikkel',
  'Lene',
  'Anders',
  'Trine',
  'Kasper',
  'Charlotte',
  'Martin',
  'Pernille',
  'Niels',
  'Rikke',
  'Christian',
  'Susanne',
  'Jonas',
  'Birgitte',
  'Morten',
  'Julie',
  'Frederik',
  'Hanne',
  'Michael',
  'Line',
  'Ole',
];
const LAST = [
  'Jensen',
  'Hansen',
  'Pedersen',
  'Andersen',
  'Christensen',
  'Larsen',
  'Sørensen',
  'Rasmussen',
  'Jørgensen',
  'Petersen',
  'Madsen',
  'Kristensen',
  'Olsen',
  'Thomsen',
  'Poulsen',
  'Johansen',
  'Knudsen',
  'Mortensen',
  'Møller',
  'Frederiksen',
  'Mikkelsen',
  'Laursen',
  'Østergaard',
  'Vestergaard',
  'Nørgaard',
  'Lauridsen',
  'Clausen',
  'Kjeldsen',
  'Winther',
  'Søndergaard',
  'Brandt',
];

const NOTES: Partial<Record<ContactRole, string>> = {
  it_on_call: 'IT-vagt, døgnbemandet. Ring, send ikke kun e-mail.',
  crisis_staff: 'Indkaldes via krisestabens SMS-kæde.',
};

const ascii = (s: string) =>
  s
    .toLowerCase()
    .replaceAll('æ', 'ae')
    .replaceAll('ø', 'oe')
    .replaceAll('å', 'aa')
    .replace(/[^a-z]/g, '');

/** A made-up Danish number: +45 and eight digits in pairs, the same for the same n. */
const phone = (n: number) => {
  const digits = String(20_000_000 + ((n * 7_919_113) % 79_999_999)).padStart(8, '0');
  return `+45 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)}`;
};

/** Every seventh entry is overdue (13 to 20 months old); the rest were verified within ten months. */
const verifiedDaysAgo = (n: number) => (n % 7 === 3 ? 400 + ((n * 37) % 200) : 14 + ((n * 53) % 290));

export function demoContacts(orgs: ReadonlyArray<{ slug: string; kind: OrgKind }>): DemoContact[] {
  const out: DemoContact[] = [];
  let n = 0;
  for (const org of orgs) {
    const domain = DOMAINS[org.slug] ?? `${org.slug}.example`;
    for (const role of ROLES_BY_KIND[org.kind]) {
      const first = FIRST[(n * 7) % FIRST.length] ?? 'Mette';
      const last = LAST[(n * 11 + 3) % LAST.length] ?? 'Jensen';
      const known = NAMED[org.slug]?.[role];
      const notes = NOTES[role];
      out.push({
        org: org.slug,
        role,
        name: known?.name ?? `${first} ${last}`,
        phone: phone(n + 1),
        email: known?.email ?? `${ascii(first)}.${ascii(last)}@${domain}`,
        ...(notes ? { notes } : {}),
        verifiedDaysAgo: verifiedDaysAgo(n),
      });
      n += 1;
    }
  }
  return out;
}

/** The calendar date (YYYY-MM-DD, UTC) a number of days before `today`. */
export const daysBefore = (today: Date, days: number): string =>
  new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
