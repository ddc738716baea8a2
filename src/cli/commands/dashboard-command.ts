import type { Command } from 'commander';
import type { ClientDashboardRow } from '../../contracts/dashboard.js';
import { formatTable, type CliContext } from '../cli-context.js';

/**
 * `dashboard`: the partner dashboard — every client the operator may see with its health and the figures an MSP
 * admin checks every morning, from the core's dashboard service (the tab's Clients overview, the bot's `clients`).
 */
export function registerDashboardCommand(program: Command, context: CliContext): void {
  program
    .command('dashboard')
    .description(
      'every client you may see, with its health and the morning’s figures (the Clients overview of the tab and the bot)',
    )
    .option('--json', 'print the dashboard as one JSON document: { clients, asOf }')
    .action(async (options: { json?: boolean }) => {
      const core = await context.core();
      const dashboard = await core.dashboard.dashboard(context.actor);
      if (options.json === true) {
        context.out(JSON.stringify(dashboard));
        return;
      }
      if (dashboard.clients.length === 0) {
        context.out(
          'You cannot see any client yet. A partner admin adds clients (clients add) and gives you a role on them.',
        );
        return;
      }
      const pct = (value: number | null): string => (value === null ? 'no data yet' : `${String(value)} %`);
      context.out(
        formatTable(
          [
            'CLIENT',
            'INTEGRATION',
            'USERS',
            'BILLABLE',
            '7 DAYS',
            'EXPIRED',
            'GUESTS',
            'MFA REGISTERED',
            'SSO SHARE',
          ],
          dashboard.clients.map((row) => [
            row.name,
            row.integration,
            row.users,
            row.billable,
            row.billableTrend.change7Days === null ? null : signed(row.billableTrend.change7Days),
            row.expired,
            row.guests,
            pct(row.mfaRegisteredPercent),
            pct(row.ssoSharePercent),
          ]),
        ),
      );
      for (const row of dashboard.clients) {
        const changes = sinceYesterday(row);
        if (changes !== '') context.out(`${row.name}: since yesterday ${changes}`);
        if (row.problems.length > 0) context.out(`${row.name}: needs attention: ${row.problems.join('; ')}`);
      }
      context.out(`As of ${dashboard.asOf}.`);
    });
}

function signed(value: number): string {
  return value > 0 ? `+${value.toString()}` : value.toString();
}

/** What changed since yesterday, in words (empty when nothing did). */
function sinceYesterday(row: ClientDashboardRow): string {
  const since = row.sinceYesterday;
  const n = (value: number, word: string): string => `${value.toString()} ${word}${value === 1 ? '' : 's'}`;
  return [
    since.newUsers > 0 ? n(since.newUsers, 'new user') : null,
    since.newExpiries > 0 ? `${n(since.newExpiries, 'user')} expired` : null,
    since.newApps > 0 ? n(since.newApps, 'new app') : null,
    since.mfaRegistrationsLost !== null && since.mfaRegistrationsLost > 0
      ? `${n(since.mfaRegistrationsLost, 'MFA registration')} lost`
      : null,
  ]
    .filter((part): part is string => part !== null)
    .join(', ');
}
