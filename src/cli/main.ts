import os from 'node:os';
import { ConfigError, loadConfig } from '../config/load-config.js';
import type { Core } from '../composition/create-core.js';
import { operatorActor } from '../services/actor.js';
import { createLogger } from '../shared/logger.js';
import { loadOrCreateDemoKey } from '../store/secret-box.js';
import { printable, type CliContext } from './cli-context.js';
import { runCli } from './program.js';

// A reader that stops early (`cli users list demo | head`) closes the pipe: stop quietly, as Unix tools do, rather
// than crash with an unhandled EPIPE and its stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** Entry point of `npm run cli -- <command>`: the local operator acting on the configured store. */
async function main(): Promise<number> {
  let opened: Core | undefined;
  const context: CliContext = {
    actor: operatorActor(os.userInfo().username),
    // Everything the CLI prints passes through printable(): no name from a tenant can drive the terminal.
    out: (text) => {
      process.stdout.write(`${printable(text)}\n`);
    },
    err: (text) => {
      process.stderr.write(`${printable(text)}\n`);
    },
    core: async () => {
      if (opened !== undefined) return opened;
      const config = loadConfig(process.env);
      // The CLI logs warnings and errors only, to stderr, so its own output stays clean (and --json parseable).
      const logger = createLogger({
        level: config.logLevel === 'info' ? 'warn' : config.logLevel,
        destination: process.stderr,
      });
      // Loaded only when a command needs the store: `--help` and argument errors answer without it (DESIGN §8, CLI
      // start < 1 s).
      const { createCore } = await import('../composition/create-core.js');
      opened = await createCore({
        config,
        logger,
        secretsKey: config.secretsKey ?? loadOrCreateDemoKey(config.dataDir),
      });
      return opened;
    },
  };
  try {
    return await runCli(process.argv.slice(2), context);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await opened?.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `CLI failed: ${printable(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
