import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The application's root folder (where package.json and tab/web/dist are): this file's parent when run from the
 * sources (`server/`), its grandparent when run from the production build (`dist/server/`).
 */
export function appRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.resolve(here, '..'), path.resolve(here, '../..')]) {
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new Error(`No package.json above ${here}: the application is not installed as built.`);
}
