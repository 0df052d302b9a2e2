import { ORG_ROLES } from '../../server/lib/actor.js';
import { connect, expectOk } from '../client.js';
import { type Command, optionalString, requireString } from '../command.js';
import { UsageError } from '../errors.js';
import { readAll } from './org.js';

interface User {
  id: string;
  email: string;
  name: string;
  platform_admin: boolean;
  mfa_enabled: boolean;
}

export const userCreate: Command = {
  name: 'user create',
  summary: 'Create a user; the password is read from stdin',
  usage: '--email <email> --name <name> [--org <slug> --role <role>] [--platform-admin]',
  help: [
    `--role             one of ${ORG_ROLES.join(', ')}`,
    '--platform-admin   administers the instance (organisations, platform settings)',
    'The password (at least 12 characters) is read from stdin: echo "$PASSWORD" | vaern user create …',
  ],
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    org: { type: 'string' },
    role: { type: 'string' },
    'platform-admin': { type: 'boolean' },
  },
  async run({ values, io }) {
    const org = optionalString(values, 'org');
    const role = optionalString(values, 'role');
    if ((org === undefined) !== (role === undefined)) throw new UsageError('--org and --role go together');
    const body = {
      email: requireString(values, 'email'),
      name: requireString(values, 'name'),
      org,
      role,
      platform_admin: values['platform-admin'] === true,
      password: await io.readStdin(),
    };
    const client = await connect();
    try {
      const user = expectOk<User>(await client.request('POST', '/api/v1/users', body));
      io.emit(user);
      io.say(
        `Created user ${user.email}${org ? ` (${role} in ${org})` : ''}${user.platform_admin ? ', platform administrator' : ''}`,
      );
      return 0;
    } finally {
      await client.close();
    }
  },
};

export const userList: Command = {
  name: 'user list',
  summary: 'List users',
  usage: '',
  options: {},
  async run({ io }) {
    const client = await connect();
    try {
      const items = await readAll<User>(client, '/api/v1/users');
      io.emit({ items });
      for (const u of items) {
        io.say(
          `${u.email.padEnd(40)} ${u.name}${u.platform_admin ? '  [platform admin]' : ''}${u.mfa_enabled ? '' : '  (no MFA)'}`,
        );
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};
