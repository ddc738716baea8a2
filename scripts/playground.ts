/**
 * `npm run playground`: the app in demo mode (its simulated tenant, anonymous bot endpoint on this machine) and the
 * Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`, pinned in package.json) pointed at it, so
 * anyone can chat with the bot locally — no Teams tenant, no tunnel. The Playground's people are the demo
 * identities (.m365agentsplayground.yml): you are Megan, the partner admin.
 *
 * Flags, from the environment: PLAYGROUND_PORT (default 56150), TEAMSAPPTESTER_BROWSER (default `none`: open the
 * printed address yourself; set it to a browser name to have one opened). The app reads its own settings (PORT,
 * DATA_DIR, DEMO_USERS…) as `npm start` does; APP_MODE is always `demo` here. Telemetry is off (`--dt`).
 * When `npm start` (demo mode) already runs on PORT, the Playground talks to it and no second app is started.
 * Ctrl+C stops what this command started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const playgroundPort = process.env.PLAYGROUND_PORT ?? '56150';
const children: ChildProcess[] = [];
let stopping = false;

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    // The Playground's server does not always stop on SIGTERM.
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 5_000).unref();
  }
}

process.on('SIGINT', () => {
  stop(0);
});
process.on('SIGTERM', () => {
  stop(0);
});

/**
 * What already answers on the app's port: this app in demo mode (`npm start` in another terminal), something else
 * (the app in production mode, or another program), or nothing.
 */
async function alreadyRunning(port: string): Promise<'demo-app' | 'something-else' | 'nothing'> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json().catch(() => ({}))) as { mode?: unknown };
    return body.mode === 'demo' ? 'demo-app' : 'something-else';
  } catch {
    return 'nothing';
  }
}

/** Starts the app in demo mode and resolves with the port it listens on (from its "server listening" log line). */
function startApp(): Promise<number> {
  const app = spawn(
    process.execPath,
    ['--import', 'tsx', '--no-deprecation', path.join(root, 'server/main.ts')],
    {
      cwd: root,
      // The "server listening" line (info) tells the address the Playground must call.
      env: {
        ...process.env,
        APP_MODE: 'demo',
        LOG_LEVEL: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(app);
  app.on('exit', (code) => {
    if (!stopping) process.stderr.write(`The app stopped (exit code ${String(code)}).\n`);
    stop(code ?? 1);
  });
  return new Promise<number>((resolve, reject) => {
    const lines = readline.createInterface({ input: app.stdout });
    lines.on('line', (line) => {
      process.stdout.write(`${line}\n`);
      if (!line.includes('"msg":"server listening"')) return;
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    app.once('exit', () => {
      reject(new Error('The app exited before it was listening.'));
    });
  });
}

const configuredPort = process.env.PORT ?? '3978';
const existing = await alreadyRunning(configuredPort);
if (existing === 'something-else') {
  process.stderr.write(
    `Port ${configuredPort} is taken by something that is not this app in demo mode (the app in production mode, ` +
      `or another program). Stop it, or choose another port: PORT=3979 npm run playground\n`,
  );
  process.exit(1);
}
if (existing === 'demo-app') {
  process.stdout.write(
    `The app is already running in demo mode on port ${configuredPort}: the Playground uses it.\n`,
  );
}
const appPort =
  existing === 'demo-app'
    ? Number(configuredPort)
    : await startApp().catch((error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        stop(1);
        return undefined;
      });

// Ctrl+C may have come while the app was starting.
if (appPort !== undefined && process.exitCode === undefined) {
  const playground = spawn(
    process.execPath,
    [
      path.join(root, 'node_modules/@microsoft/m365agentsplayground/cli.js'),
      '--app-endpoint',
      `http://127.0.0.1:${String(appPort)}/api/messages`,
      '--channel-id',
      'msteams',
      '--port',
      playgroundPort,
      '--dt',
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER ?? 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: path.join(root, '.m365agentsplayground.yml'),
        M365_AGENTS_PLAYGROUND_LOGFILE: path.join(root, 'devTools', 'm365agentsplayground.log'),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  children.push(playground);
  playground.on('exit', (code) => {
    if (!stopping) process.stderr.write(`The Agents Playground stopped (exit code ${String(code)}).\n`);
    stop(code ?? 1);
  });
  process.stdout.write(
    [
      '',
      `  Agents Playground: http://localhost:${playgroundPort}  (bot endpoint http://127.0.0.1:${String(appPort)}/api/messages)`,
      '  You are Megan Partner (partner admin) of the demo MSP; say "help". The group chat and the team hold the',
      '  client admin, the viewer and an outsider: their card clicks show what each role may do.',
      existing === 'demo-app'
        ? '  Ctrl+C stops the Playground; the app keeps running.'
        : '  Ctrl+C stops both.',
      '',
    ].join('\n'),
  );
}
