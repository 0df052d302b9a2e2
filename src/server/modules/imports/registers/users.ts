import { sql } from 'kysely';
import { hasAnyRole, ORG_ROLES } from '../../../lib/actor.js';
import { stagedRows } from '../framework.js';
import { CellError, defineTabularImport, emailCell, oneOfCell, textCell } from '../tabular.js';

const roleOf = oneOfCell(ORG_ROLES);

/**
 * The users register: people and their role in the importing organisation. A missing person is
 * created without a password (they set one through an invitation); an existing person (same
 * e-mail, case-insensitive) keeps their name and language and gains the membership. One row per
 * person: the e-mail is the key.
 */
export const usersImport = defineTabularImport({
  kind: 'users',
  title: 'People and their role in the organisation',
  keyColumn: 'email',
  columns: [
    {
      name: 'email',
      required: true,
      type: 'text',
      description: 'E-mail address; identifies the person across organisations (case does not matter)',
      parse: emailCell,
    },
    {
      name: 'name',
      required: true,
      type: 'text',
      description: 'Full name, at most 200 characters (kept as it is for a person who already exists)',
      parse: textCell(200),
    },
    {
      name: 'role',
      required: true,
      type: 'text',
      description: `Role in the organisation: ${ORG_ROLES.join(', ')} (sector_coordinator only in the sector unit)`,
      parse: (value, { org }) => {
        const role = roleOf(value);
        if (role === 'sector_coordinator' && org.kind !== 'sector_unit') {
          throw new CellError('imports.users.role_sector_only');
        }
        return role;
      },
    },
    {
      name: 'locale',
      required: false,
      type: 'text',
      description: "Language of the person's messages: da or en (default da); only for new people",
      parse: oneOfCell(['da', 'en'] as const),
    },
  ],
  mayStart: (actor, org) => hasAnyRole(actor, org.id, ['admin']),
  /**
   * Creates the people who do not exist yet, a slice at a time. They belong to no organisation
   * until the apply gives them their membership, so the organisation sees nothing of them before
   * the switch. ON CONFLICT DO NOTHING skips existing people, even those this organisation cannot
   * see; it names no conflict target on purpose: a target needs the SELECT right on users, and
   * with it PostgreSQL checks the SELECT policy against each new row, which a person who belongs
   * to no organisation yet fails.
   */
  async merge(tx, job, slice) {
    const staged = stagedRows(job, { email: 'text', name: 'text', locale: 'text' }, slice);
    const people = await sql`
      insert into users (email, name, locale)
      select s.email, s.name, coalesce(s.locale, 'da') from ${staged} s
      on conflict do nothing`.execute(tx.q);
    return { created: Number(people.numAffectedRows ?? 0n) };
  },
  /**
   * The switch: the memberships that do not exist yet, in one statement, for the user ids and
   * roles that vaern_users_import_members (0004) resolves from the staged rows (an org admin
   * cannot SELECT people who so far belong only to other organisations). Rows: created = new
   * people; updated = existing people given a new membership; unchanged = the rest.
   */
  async apply(tx, job, merged) {
    const memberships = await sql`
      insert into memberships (org_id, user_id, role)
      select ${job.org.id}, m.user_id, m.role from vaern_users_import_members(${job.org.id}, ${job.importId}) m
      on conflict do nothing`.execute(tx.q);
    const added = Number(memberships.numAffectedRows ?? 0n);
    // Someone else may have given a new person the role between the merge and now.
    const updated = Math.max(0, added - merged.created);
    return { created: merged.created, updated, unchanged: job.rows - merged.created - updated };
  },
});
