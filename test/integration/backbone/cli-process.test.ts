import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The CLI as an operator runs it (`npm run cli -- …`): its own process, its output piped into another program. */
describe('admin CLI as a process', function () {
  this.timeout(60_000);

  it('stops quietly, exit code 0, when the program reading its output stops early (`cli … | head`)', async () => {
    const child = spawn(process.execPath, ['scripts/run-entry.mjs', 'src/cli/main.ts', '--help'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader is gone before the CLI writes a line: every write meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|at .*\(/, stderr);
    assert.equal(code, 0, stderr);
  });
});
