import { TOKEN_ROLES } from '../../server/lib/actor.js';
import { connect, expectOk } from '../client.js';
import { type Command, optionalString, requireString } from '../command.js';
import { CliError } from '../errors.js';
import { readAll } from './org.js';

export const tokenCreate: Command = {
  name: 'token create',
  summary: 'Issue an API token for a machine client; the token is printed once',
  usage: '--org <slug> --role <role> --name <name> [--expires <ISO 8601 date>]',
  help: [
    `--role      one of ${TOKEN_ROLES.join(', ')}`,
    '--expires   the token stops working at this date or time (UTC)',
  ],
  options: {
    org: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    expires: { type: 'string' },
  },
  async run({ values, io }) {
    const org = requireString(values, 'org');
    const body = {
      name: requireString(values, 'name'),
      role: requireString(values, 'role'),
      expires_at: optionalString(values, 'expires'),
    };
    const client = await connect();
    try {
      const created = expectOk<{ id: string; token: string }>(
        await client.request('POST', `/api/v1/orgs/${encodeURIComponent(org)}/tokens`, body),
      );
      io.emit(created);
      io.say(created.token);
      if (!io.json) io.warn('Store this token now: it is not shown again.');
      return 0;
    } finally {
      await client.close();
    }
  },
};

export const tokenRevoke: Command = {
  name: 'token revoke',
  summary: 'Revoke an API token by name',
  usage: '--org <slug> --name <name>',
  options: { org: { type: 'string' }, name: { type: 'string' } },
  async run({ values, io }) {
    const org = requireString(values, 'org');
    const name = requireString(values, 'name');
    const client = await connect();
    try {
      const base = `/api/v1/orgs/${encodeURIComponent(org)}/tokens`;
      const tokens = await readAll<{ id: string; name: string; revoked_at: string | null }>(client, base);
      const token = tokens.find((t) => t.name === name && t.revoked_at === null);
      if (!token) throw new CliError(`no active token named "${name}" in ${org}`);
      const revoked = expectOk<{ id: string; revoked_at: string }>(
        await client.request('DELETE', `${base}/${token.id}`),
      );
      io.emit(revoked);
      io.say(`Revoked token ${name} in ${org}`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
