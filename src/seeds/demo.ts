import type { AppContext } from '../server/context.js';

export interface DemoLogin {
  role: string;
  email: string;
  password: string;
  totpSecret: string | undefined;
}

/** Loads the demo sector. */
export async function seedDemo(_ctx: AppContext): Promise<{ logins: DemoLogin[] }> {
  throw new Error('the demo seed is not written yet');
}
