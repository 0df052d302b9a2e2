import type { DemoLogin } from '../seeds/demo.js';
import type { Runtime } from '../server/runtime.js';
import type { Io } from './command.js';

/** The demo logins as a table for people (demo only: these credentials are public). */
export function sayDemoLogins(io: Io, logins: DemoLogin[]): void {
  const header = { role: 'role', email: 'e-mail', password: 'password', totp: 'TOTP secret' };
  const rows = [
    header,
    ...logins.map((l) => ({
      ...l,
      role: l.via === 'grant' ? `${l.role} (grant)` : l.role,
      totp: l.totpSecret ?? '-',
    })),
  ];
  const width = (key: 'role' | 'email' | 'password') => Math.max(...rows.map((r) => r[key].length));
  const [w1, w2, w3] = [width('role'), width('email'), width('password')];
  for (const r of rows) {
    io.say(`  ${r.role.padEnd(w1)}  ${r.email.padEnd(w2)}  ${r.password.padEnd(w3)}  ${r.totp}`);
  }
  io.say('Demo only: these passwords and the TOTP secret are public. Never load the demo into real use.');
}

/** The first start of an embedded database loads the demo sector and prints its logins. */
export async function onFirstStart(runtime: Runtime, io: Io): Promise<void> {
  const { seedDemo } = await import('../seeds/demo.js');
  const result = await seedDemo(runtime.ctx);
  io.say('First start: loaded the demo sector. Demo logins:');
  sayDemoLogins(io, result.logins);
}
