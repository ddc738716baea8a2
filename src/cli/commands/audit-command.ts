import fs from 'node:fs';
import type { Command } from 'commander';
import { formatTable, type CliContext } from '../cli-context.js';

interface AuditOptions {
  client?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: string;
  before?: string;
  /** `true` for stdout, else the file to write. */
  csv?: boolean | string;
  json?: boolean;
}

/** `audit [filters] [--csv [FILE]|--json]`: who did what, when, on which client. */
export function registerAuditCommand(program: Command, context: CliContext): void {
  program
    .command('audit')
    .description('show or export the audit log')
    .option('--client <client>', 'only this client (name or id)')
    .option('--actor <id>', "only this person's object id (or the CLI operator's user name)")
    .option('--action <action>', 'an action (group.exclude) or a prefix ending in a dot (integration.)')
    .option('--from <when>', 'from this date or date-time (inclusive)')
    .option('--to <when>', 'until this date (inclusive) or date-time (exclusive)')
    .option('--limit <n>', 'entries per page, 1–1000 (default 100)')
    .option('--before <id>', 'continue with entries older than this id')
    .option('--csv [file]', 'export every matching entry as CSV, to FILE or else to the output')
    .option('--json', 'print the page as one JSON document: { items, nextBefore }')
    .action(async (options: AuditOptions) => {
      const core = await context.core();
      const filters = {
        ...(options.client === undefined ? {} : { client: options.client }),
        ...(options.actor === undefined ? {} : { actor: options.actor }),
        ...(options.action === undefined ? {} : { action: options.action }),
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.to === undefined ? {} : { to: options.to }),
      };
      if (options.csv !== undefined && options.csv !== false) {
        const csv = await core.auditLog.exportCsv(context.actor, filters);
        if (options.csv === true) {
          context.out(csv.trimEnd());
          return;
        }
        fs.writeFileSync(options.csv, csv, 'utf8');
        context.err(`Wrote ${options.csv}`);
        return;
      }
      const page = await core.auditLog.query(context.actor, {
        ...filters,
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.before === undefined ? {} : { before: options.before }),
      });
      if (options.json === true) {
        context.out(JSON.stringify(page));
        return;
      }
      if (page.items.length === 0) {
        context.out('No audit entries match.');
        return;
      }
      context.out(
        formatTable(
          ['ID', 'WHEN', 'WHO', 'VIA', 'CLIENT', 'ACTION', 'TARGET'],
          page.items.map((entry) => [
            entry.id,
            entry.at,
            entry.actor.name ?? entry.actor.objectId,
            entry.channel,
            entry.clientName ?? entry.clientId,
            entry.action,
            entry.targetId,
          ]),
        ),
      );
      if (page.nextBefore !== null) context.out(`Older entries: --before ${page.nextBefore}`);
    });
}
