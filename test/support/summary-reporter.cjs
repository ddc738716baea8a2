// A mocha reporter: the usual spec output on the console, plus the run's own counts written to
// test-results/summary.json, so .ci/run can print "N passed, N failed" from the run itself; and, next to it,
// durations.json: each test file's wall time in ms (its top-level suites from start to end, hooks included — mocha
// runs the files one after another), slowest first, so a CI run tells where its time goes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    /** File (relative to the working directory) → ms spent in it. */
    const perFile = new Map();
    const started = new Map();
    const fileOf = (runnable) => path.relative(process.cwd(), runnable.file ?? '(no file)');
    const add = (file, ms) => {
      perFile.set(file, (perFile.get(file) ?? 0) + ms);
    };
    const topLevel = (suite) => suite.parent !== undefined && suite.parent.root === true;
    runner.on(EVENT_SUITE_BEGIN, (suite) => {
      if (topLevel(suite)) started.set(suite, performance.now());
    });
    runner.on(EVENT_SUITE_END, (suite) => {
      const start = started.get(suite);
      if (start === undefined) return;
      started.delete(suite);
      add(fileOf(suite), performance.now() - start);
    });
    // A test outside any describe belongs to no top-level suite: its own duration counts.
    runner.on(EVENT_TEST_END, (test) => {
      if (test.parent?.root === true) add(fileOf(test), test.duration ?? 0);
    });
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0, tests: 0 };
      const file = path.resolve(process.env.TEST_SUMMARY_FILE ?? 'test-results/summary.json');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        JSON.stringify({
          passed: stats.passes,
          failed: stats.failures,
          pending: stats.pending,
          durationMs: stats.duration,
        }) + '\n',
      );
      const durations = Object.fromEntries(
        [...perFile.entries()]
          .map(([name, ms]) => [name, Math.round(ms)])
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      );
      fs.writeFileSync(
        path.join(path.dirname(file), 'durations.json'),
        JSON.stringify(durations, null, 2) + '\n',
      );
    });
  }
}

module.exports = SummaryReporter;
