// A mocha reporter: the usual spec output on the console, plus the run's own counts written to
// test-results/summary.json, so .ci/run can print "N passed, N failed" from the run itself; and, next to it,
// durations.json: each test file's wall time in ms, hooks included, slowest first, so a run tells where its time
// goes. The files' times come from the workers (run-hooks.ts appends one line per file to durations.ndjson): in
// parallel mode a reporter receives a file's events only when the file has ended.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
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
      writeDurations(path.dirname(file));
    });
  }
}

/** durations.ndjson ({ file, ms } per line) as one object, slowest first; nothing when no worker timed a file. */
function writeDurations(dir) {
  const log = path.join(dir, 'durations.ndjson');
  if (!fs.existsSync(log)) return;
  const perFile = new Map();
  for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { file, ms } = JSON.parse(line);
    perFile.set(file, (perFile.get(file) ?? 0) + ms);
  }
  const durations = Object.fromEntries(
    [...perFile.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  );
  fs.writeFileSync(path.join(dir, 'durations.json'), JSON.stringify(durations, null, 2) + '\n');
}

module.exports = SummaryReporter;
