import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout or installed package root: the nearest folder above this file with package.json. */
export const packageRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the Værn sources');
    dir = parent;
  }
  return dir;
})();

export const migrationsDir = path.join(packageRoot, 'src', 'server', 'db', 'migrations');
