/**
 * Mocha's hooks for the whole suite (`npm run test:all`, which runs the test files side by side: `--parallel`).
 *
 * - Once, before any worker starts (`mochaGlobalSetup`, in mocha's own process): the tab is built once, so that the
 *   workers serve the same build instead of each building it into the same folder at once (tab-build.ts), and the
 *   previous run's per-file times are cleared.
 * - In each worker, around each test file (root hooks run once per file in parallel mode):
 *   - the file's wall time, hooks included, is appended to `test-results/durations.ndjson`, which the summary
 *     reporter turns into `durations.json` (in parallel mode a reporter sees a file's events only once the file
 *     has ended, so it cannot time them itself);
 *   - under c8, the V8 coverage gathered so far is written out (`v8.takeCoverage()`): mocha ends its workers without
 *     letting them exit on their own, and NODE_V8_COVERAGE is otherwise written only at a normal exit.
 *     https://nodejs.org/api/v8.html#v8takecoverage
 */
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { Context, RootHookObject } from 'mocha';
import { buildTab } from './tab-build.js';

/** Beside summary-reporter.cjs's summary.json. */
const resultsDir = path.dirname(path.resolve(process.env.TEST_SUMMARY_FILE ?? 'test-results/summary.json'));
const durationsLog = path.join(resultsDir, 'durations.ndjson');

export async function mochaGlobalSetup(): Promise<void> {
  fs.rmSync(durationsLog, { force: true });
  await buildTab();
  // Inherited by the workers, which mocha starts after this: tab-build.ts serves this build as it is.
  process.env.TEST_TAB_BUILT = '1';
}

let started = 0;

export const mochaHooks: RootHookObject = {
  beforeAll(): void {
    started = performance.now();
  },
  afterAll(this: Context): void {
    const root = this.test?.parent;
    const file = root?.suites[0]?.file ?? root?.tests[0]?.file;
    if (file !== undefined) {
      const ms = Math.round(performance.now() - started);
      fs.mkdirSync(resultsDir, { recursive: true });
      fs.appendFileSync(
        durationsLog,
        `${JSON.stringify({ file: path.relative(process.cwd(), file), ms })}\n`,
      );
    }
    if (process.env.NODE_V8_COVERAGE !== undefined) v8.takeCoverage();
  },
};
