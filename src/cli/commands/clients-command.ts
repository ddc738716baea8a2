import type { Command } from 'commander';
import { formatTable, type CliContext } from '../cli-context.js';

/** `clients list|add|remove` */
export function registerClientsCommand(program: Command, context: CliContext): void {
  const clients = program.command('clients').description('list, add and remove clients');

  clients
    .command('list')
    .description('list the clients')
    .option('--json', 'one JSON line per client')
    .action(async (options: { json?: boolean }) => {
      const core = await context.core();
      const rows = await core.clients.list(context.actor);
      if (options.json === true) {
        for (const row of rows) {
          context.out(
            JSON.stringify({
              id: row.id,
              name: row.name,
              displayName: row.displayName,
              createdAt: row.createdAt,
            }),
          );
        }
        return;
      }
      if (rows.length === 0) {
        context.out(
          'No clients yet. Add one with: npm run cli -- clients add <name> [--display-name "Contoso Ltd"]',
        );
        return;
      }
      context.out(
        formatTable(
          ['NAME', 'DISPLAY NAME', 'ID', 'CREATED'],
          rows.map((row) => [row.name, row.displayName, row.id, row.createdAt]),
        ),
      );
    });

  clients
    .command('add')
    .description('add a client (partner admin)')
    .argument('<name>', 'short name: 2–40 lower-case letters, digits or dashes (e.g. contoso)')
    .option('--display-name <text>', 'display name (e.g. "Contoso Ltd")')
    .option('--json', 'print the new client as JSON')
    .action(async (name: string, options: { displayName?: string; json?: boolean }) => {
      const core = await context.core();
      const client = await core.clients.add(context.actor, {
        name,
        ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
      });
      context.out(
        options.json === true
          ? JSON.stringify({ id: client.id, name: client.name, displayName: client.displayName })
          : `Added client ${client.name} (${client.id}). Connect its tenant with: npm run cli -- integrations connect ${client.name} …`,
      );
    });

  clients
    .command('remove')
    .description('remove a client and ALL its data (cannot be undone)')
    .argument('<client>', 'client name or id')
    .requiredOption('--confirm <name>', "repeat the client's name to confirm")
    .option('--json', 'print the result as JSON')
    .action(async (client: string, options: { confirm: string; json?: boolean }) => {
      const core = await context.core();
      await core.clients.remove(context.actor, client, options.confirm);
      context.out(
        options.json === true
          ? JSON.stringify({ removed: client })
          : `Removed client ${client} and all its data.`,
      );
    });
}
