import type { Runtime } from '../server/runtime.js';
import type { Io } from './command.js';

/** The first start of an embedded database loads the demo sector and prints its logins. */
export async function onFirstStart(runtime: Runtime, io: Io): Promise<void> {
  const { seedDemo } = await import('../seeds/demo.js');
  const result = await seedDemo(runtime.ctx);
  io.say('Loaded the demo sector. Demo logins (password and TOTP secret):');
  for (const login of result.logins)
    io.say(
      `  ${login.role.padEnd(20)} ${login.email.padEnd(36)} ${login.password}  ${login.totpSecret ?? ''}`,
    );
}
