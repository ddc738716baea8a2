import type { Command } from 'commander';
import { formatTable, type CliContext } from '../cli-context.js';

/** `billing <client> [--history [--from --to]]`: billable users now, or the daily history. */
export function registerBillingCommand(program: Command, context: CliContext): void {
  program
    .command('billing')
    .description('show a client’s billable users now, or their daily history')
    .argument('<client>', 'client name or id')
    .option('--history', 'the daily snapshots instead of the counts now')
    .option('--from <day>', 'first day of the history (YYYY-MM-DD; default 90 days ago)')
    .option('--to <day>', 'last day of the history (YYYY-MM-DD; default today)')
    .option('--json', 'print as JSON')
    .action(
      async (
        clientRef: string,
        options: { history?: boolean; from?: string; to?: string; json?: boolean },
      ) => {
        const core = await context.core();
        if (options.history === true) {
          const history = await core.billing.history(context.actor, clientRef, {
            ...(options.from === undefined ? {} : { from: options.from }),
            ...(options.to === undefined ? {} : { to: options.to }),
          });
          if (options.json === true) {
            context.out(JSON.stringify(history));
            return;
          }
          context.out(
            history.length === 0
              ? 'No snapshots in that period yet (one is taken every day).'
              : formatTable(
                  [
                    'DAY',
                    'USERS',
                    'IMPORTED',
                    'DISABLED',
                    'EXPIRED',
                    'GUESTS',
                    'BILLABLE',
                    'LICENCES / MONTH',
                  ],
                  history.map((row) => [
                    row.day,
                    row.totalUsers,
                    row.imported,
                    row.disabled,
                    row.expired,
                    row.guests,
                    row.billable,
                    row.licenceCost === null ? '—' : `${row.licenceCost.amount} ${row.licenceCost.currency}`,
                  ]),
                ),
          );
          return;
        }
        const summary = await core.billing.summary(context.actor, clientRef);
        if (options.json === true) {
          context.out(JSON.stringify(summary));
          return;
        }
        const c = summary.counts;
        context.out(
          [
            `Billable users:  ${c.billable}`,
            `Users in Entra:  ${c.totalUsers} (guests ${c.guests})`,
            `Imported:        ${c.imported} (expired ${c.expired}, blocked in Entra ${c.blockedInEntra})`,
            `Not imported:    ${c.notImported}`,
            `Disabled:        ${c.disabled} (manual ${c.disabledManual}, excluded group ${c.disabledExcludedGroup}, deleted in Entra ${c.disabledDeletedInEntra})`,
            `Expiry:          ${summary.activityData === 'available' ? `${summary.thresholdDays} days without activity` : 'activity unknown — nobody expires'}`,
            ...(summary.importStartedAt === null ? ['Import:          not started yet'] : []),
          ].join('\n'),
        );
      },
    );
}
