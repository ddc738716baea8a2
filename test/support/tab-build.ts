import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './processes.js';

const exec = promisify(execFile);

/** Where Vite writes the tab (tab/web/vite.config.ts), which the server serves under /tab/. */
export const tabDist = path.join(repoRoot, 'tab/web/dist');

let built: Promise<void> | undefined;

/**
 * The tab built as `npm start` builds it (Vite), once per test run: every suite that serves the tab calls this, and
 * the first call builds it from the sources while the others share that build (the sources do not change during a
 * run). With `TEST_FROM_BUILD=1` (CI, after `npm run build`, which builds the tab too) the production build's tab is
 * served as it is, like the compiled server: the build is what is tested, and building it again would only repeat it.
 * `TEST_TAB_BUILT=1` says the same of a build the run made before its workers started (run-hooks.ts).
 */
export function buildTab(): Promise<void> {
  built ??= (async () => {
    if (process.env.TEST_FROM_BUILD === '1' || process.env.TEST_TAB_BUILT === '1') {
      if (!fs.existsSync(path.join(tabDist, 'index.html'))) {
        throw new Error(`${tabDist} holds no tab: run \`npm run build\` first.`);
      }
      return;
    }
    await exec('npx', ['vite', 'build', '--config', 'tab/web/vite.config.ts', '--logLevel', 'error'], {
      cwd: repoRoot,
      timeout: 180_000,
    });
  })().catch((error: unknown) => {
    built = undefined;
    throw error;
  });
  return built;
}
