import { ORG_KINDS } from '../../server/lib/actor.js';
import { connect, expectOk } from '../client.js';
import { type Command, optionalString, requireString } from '../command.js';

interface Org {
  id: string;
  slug: string;
  name: string;
  kind: string;
  parent: string | null;
  region: string | null;
}

export const orgCreate: Command = {
  name: 'org create',
  summary: 'Create an organisation',
  usage: '--slug <slug> --name <name> --kind <kind> [--parent <slug>] [--region <region slug>]',
  help: [
    `--kind     one of ${ORG_KINDS.join(', ')}`,
    '--parent   the parent organisation (a hospital under its region)',
    '--region   the region it lies in',
  ],
  options: {
    slug: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
    parent: { type: 'string' },
    region: { type: 'string' },
  },
  async run({ values, io }) {
    const body = {
      slug: requireString(values, 'slug'),
      name: requireString(values, 'name'),
      kind: requireString(values, 'kind'),
      parent: optionalString(values, 'parent'),
      region: optionalString(values, 'region'),
    };
    const client = await connect();
    try {
      const org = expectOk<Org>(await client.request('POST', '/api/v1/orgs', body));
      io.emit(org);
      io.say(`Created organisation ${org.slug} (${org.kind}): ${org.name}`);
      return 0;
    } finally {
      await client.close();
    }
  },
};

/** Follows next_cursor until every item is read. */
export async function readAll<T>(client: Awaited<ReturnType<typeof connect>>, url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page: { items: T[]; next_cursor: string | null } = expectOk(
      await client.request(
        'GET',
        `${url}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ),
    );
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

export const orgList: Command = {
  name: 'org list',
  summary: 'List organisations',
  usage: '',
  options: {},
  async run({ io }) {
    const client = await connect();
    try {
      const items = await readAll<Org>(client, '/api/v1/orgs');
      io.emit({ items });
      for (const o of items) {
        io.say(
          `${o.slug.padEnd(28)} ${o.kind.padEnd(13)} ${o.name}${o.parent ? `  (under ${o.parent})` : ''}`,
        );
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};
