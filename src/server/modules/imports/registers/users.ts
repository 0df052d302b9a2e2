import { sql } from 'kysely';
import { hasAnyRole, ORG_ROLES } from '../../../lib/actor.js';
import { CellError, defineTabularImport, emailCell, oneOfCell, tableRows, textCell } from '../tabular.js';

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
   * A slice at a time: creates the people who do not exist yet, then their memberships in this
   * organisation, marked pending (0007): invisible to every reader until the switch. A new person
   * belongs to no organisation before that, so the organisation sees nothing of them either.
   * ON CONFLICT DO NOTHING skips existing people, even those this organisation cannot see; it
   * names no conflict target on purpose: a target needs the SELECT right on users, and with it
   * PostgreSQL checks the SELECT policy against each new row, which a person who belongs to no
   * organisation yet fails. Existing memberships are skipped the same way.
   */
  async merge(tx, job, slice) {
    const staged = tableRows(
      job,
      usersImport.columns,
      { email: 'text', name: 'text', locale: 'text' },
      slice,
    );
    const people = await sql`
      insert into users (email, name, locale)
      select s.email, s.name, coalesce(s.locale, 'da') from ${staged} s
      on conflict do nothing`.execute(tx.q);
    await sql`
      insert into memberships (org_id, user_id, role, pending_import)
      select ${job.org.id}, m.user_id, m.role, ${job.importId}
      from vaern_users_import_members(${job.org.id}, ${job.importId}, ${slice.after}::integer, ${slice.upTo}::integer) m
      on conflict do nothing`.execute(tx.q);
    return { created: Number(people.numAffectedRows ?? 0n) };
  },
  /**
   * The switch: the import's pending memberships become visible in one UPDATE that changes no
   * key (so no foreign-key checks), cheap even for 50,000 rows on the embedded database.
   * Rows: created = new people; updated = existing people given a new membership; unchanged = the rest.
   */
  async apply(tx, job, merged) {
    const r = await sql<{ n: number }>`
      select vaern_import_publish_memberships(${job.org.id}, ${job.importId})::int as n`.execute(tx.q);
    const added = r.rows[0]?.n ?? 0;
    // Someone else may have given a new person the role between the merge and now.
    const updated = Math.max(0, added - merged.created);
    return { created: merged.created, updated, unchanged: job.rows - merged.created - updated };
  },
  async discard(tx, job) {
    await sql`select vaern_import_discard_memberships(${job.org.id}, ${job.importId})`.execute(tx.q);
  },
});

// vaern_users_import_members (migration 0046) reads a staged row's role as its third value.
if (usersImport.columns[2]?.name !== 'role') throw new Error('users register: role must be the third column');
