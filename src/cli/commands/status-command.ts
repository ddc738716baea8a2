import type { Command } from 'commander';
import { formatTable, type CliContext } from '../cli-context.js';

/** `status [client] [--json]`: each client's integration, directory size, last sync, billable count and problems. */
export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command('status')
    .description('show the status of every client, or of one')
    .argument('[client]', 'client name or id')
    .option('--json', 'one JSON line per client')
    .action(async (clientRef: string | undefined, options: { json?: boolean }) => {
      const core = await context.core();
      const statuses = await core.status.list(context.actor, clientRef);
      if (options.json === true) {
        for (const status of statuses) context.out(JSON.stringify(status));
        return;
      }
      if (statuses.length === 0) {
        context.out('No clients yet. Add one with: npm run cli -- clients add <name>');
        return;
      }
      context.out(
        formatTable(
          ['CLIENT', 'INTEGRATION', 'USERS', 'GROUPS', 'BILLABLE', 'LAST SYNC', 'RESULT'],
          statuses.map((status) => [
            status.name,
            status.integration,
            status.users,
            status.groups,
            status.billable,
            status.lastSync?.finishedAt ?? status.lastSync?.startedAt ?? null,
            status.lastSync === null
              ? 'never synced'
              : status.lastSync.status + (status.lastSync.error === null ? '' : `: ${status.lastSync.error}`),
          ]),
        ),
      );
      // What needs attention, as the bot's status card and the tab's partner view show it.
      for (const status of statuses) {
        if (status.problems.length > 0) context.out(`${status.name}: ${status.problems.join('; ')}`);
      }
    });
}
