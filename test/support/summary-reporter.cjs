// A mocha reporter: the usual spec output on the console, plus the run's own counts written to
// test-results/summary.json, so .ci/run can print "N passed, N failed" from the run itself.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
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
    });
  }
}

module.exports = SummaryReporter;
