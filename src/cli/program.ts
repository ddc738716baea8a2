import { Command, CommanderError } from 'commander';
import { toUserFacingError, type AppError } from '../shared/errors.js';
import type { CliContext } from './cli-context.js';
import { registerAuditCommand } from './commands/audit-command.js';
import { registerBillingCommand } from './commands/billing-command.js';
import { registerClientsCommand } from './commands/clients-command.js';
import { registerDashboardCommand } from './commands/dashboard-command.js';
import { registerDoctorCommand } from './commands/doctor-command.js';
import { registerFindCommand } from './commands/find-command.js';
import { registerGroupsCommand } from './commands/groups-command.js';
import { registerIntegrationsCommand } from './commands/integrations-command.js';
import { registerRolesCommand } from './commands/roles-command.js';
import { registerUsersCommand } from './commands/users-command.js';
import { registerReportCommand } from './commands/report-command.js';
import { registerStatusCommand } from './commands/status-command.js';
import { registerSyncCommand } from './commands/sync-command.js';

/** Exit codes: 0 done, 1 the action failed (refused, not found, unreachable), 2 bad usage. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Builds the admin CLI (`npm run cli -- <command>`). Each command lives in its own file under commands/. */
export function buildProgram(context: CliContext): Command {
  // Sub-commands inherit exitOverride, output and help settings from the program (commander copies them).
  const program = new Command('cli')
    .description('Entra ID identity management for MSPs — admin CLI')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        context.out(text.trimEnd());
      },
      writeErr: (text) => {
        context.err(text.trimEnd());
      },
    });
  registerClientsCommand(program, context);
  registerStatusCommand(program, context);
  registerDashboardCommand(program, context);
  registerFindCommand(program, context);
  registerSyncCommand(program, context);
  registerReportCommand(program, context);
  registerIntegrationsCommand(program, context);
  registerUsersCommand(program, context);
  registerGroupsCommand(program, context);
  registerBillingCommand(program, context);
  registerAuditCommand(program, context);
  registerRolesCommand(program, context);
  registerDoctorCommand(program, context);
  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Usage problems print a clear
 * message plus usage and return 2; refused or failed actions print the reason and return 1.
 */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const program = buildProgram(context);
  if (argv.length === 0) {
    context.err(program.helpInformation().trimEnd());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return 0;
      return EXIT_USAGE;
    }
    const facing = toUserFacingError(error, 'cli');
    context.err(`Error: ${facing.message}`);
    const problems = (error as Partial<AppError>).details?.problems;
    if (Array.isArray(problems) && problems.length > 1) {
      for (const problem of problems as { path: string; message: string }[])
        context.err(`  - ${problem.path}: ${problem.message}`);
    }
    return facing.status === 400 ? EXIT_USAGE : EXIT_FAILED;
  }
}
