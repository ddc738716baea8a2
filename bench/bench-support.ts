import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The one JSON line `npm run sim -- --json` prints once ready. */
export interface SimDetails {
  authorityHost: string;
  graphBaseUrl: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caCertPath: string;
  controlUrl: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts the simulator in its own process (so its serving does not share the measured process's event loop) with
 * `sim/main.ts` arguments, and waits for its ready line.
 */
export async function startSimulatorProcess(
  simArgs: readonly string[],
): Promise<{ child: ChildProcess; details: SimDetails }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'sim/main.ts'), '--json', ...simArgs],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const first = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => {
      reject(new Error(`the simulator exited (${String(code)})`));
    });
  });
  return { child, details: JSON.parse(first) as SimDetails };
}

/** Drops a PostgreSQL schema a benchmark created. */
export async function dropStoreSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
