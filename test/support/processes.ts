import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(new URL('../../', import.meta.url).pathname);

/** A child process running a TypeScript entry point of this repository through tsx, with its output collected. */
export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects when the process exits first or on timeout). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * How a test starts an entry point of this repository: through tsx from the sources, or — with `TEST_FROM_BUILD=1`
 * (CI sets it after `npm run build`) — the production build's compiled file (`dist/<entry>.js`), so that the server
 * the end-to-end suite drives (bot in the Agents Playground, tab in Chromium) and the CLI are the compiled output.
 */
export function entryCommand(entry: string): string[] {
  if (process.env.TEST_FROM_BUILD !== '1')
    return ['--import', 'tsx', '--no-deprecation', path.join(repoRoot, entry)];
  const compiled = path.join(repoRoot, 'dist', entry.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(compiled)) {
    throw new Error(`TEST_FROM_BUILD=1 but ${compiled} does not exist: run \`npm run build\` first.`);
  }
  return ['--no-deprecation', compiled];
}

export function startTs(entry: string, args: readonly string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [...entryCommand(entry), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (const waiter of [...waiters]) {
      const line = out.split('\n').find((candidate) => waiter.pattern.test(candidate));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitForLine: (pattern, timeoutMs = 30_000) =>
      new Promise<string>((resolve, reject) => {
        const existing = out.split('\n').find((candidate) => pattern.test(candidate));
        if (existing !== undefined) {
          resolve(existing);
          return;
        }
        const timer = setTimeout(() => {
          reject(new Error(`timed out waiting for ${String(pattern)}; stdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exit.then(({ code }) => {
          clearTimeout(timer);
          reject(
            new Error(
              `process exited (${String(code)}) before ${String(pattern)}; stdout:\n${out}\nstderr:\n${err}`,
            ),
          );
        });
      }),
  };
}
