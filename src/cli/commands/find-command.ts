import type { Command } from 'commander';
import { formatTable, type CliContext } from '../cli-context.js';
import { plural } from '../../shared/plural.js';

/**
 * `find <text>`: users and groups whose name, UPN or mail contains the text, across every client the operator may
 * see — the core's cross-client search, as the tab's search box and the bot's `find` call it. The core checks the
 * text (2–100 characters) and the limit, and decides which clients are searched.
 */
export function registerFindCommand(program: Command, context: CliContext): void {
  program
    .command('find')
    .description('find users and groups across every client you may see, by part of a name, UPN or mail')
    .argument('<text>', 'part of a display name, UPN or mail (2–100 characters)')
    .option('--limit <n>', 'at most this many users, and as many groups: 1–50 (default 25)')
    .option(
      '--json',
      'print the result as one JSON document: { text, users, groups, truncated, clientsSearched }',
    )
    .action(async (text: string, options: { limit?: string; json?: boolean }) => {
      const core = await context.core();
      const result = await core.search.find(context.actor, {
        text,
        // A whole number goes to the core as one; anything else as typed, for the core to name what is wrong.
        ...(options.limit === undefined
          ? {}
          : { limit: /^\d{1,4}$/.test(options.limit) ? Number(options.limit) : options.limit }),
      } as { text: string; limit?: number });
      if (options.json === true) {
        context.out(JSON.stringify(result));
        return;
      }
      if (result.users.length === 0 && result.groups.length === 0) {
        context.out(
          `Nothing matches “${result.text}” in ${plural(result.clientsSearched, 'client')} searched.`,
        );
        return;
      }
      if (result.users.length > 0) {
        context.out(
          formatTable(
            ['USER', 'UPN', 'CLIENT', 'STATE'],
            result.users.map((hit) => [
              hit.displayName,
              hit.userPrincipalName ?? hit.mail,
              hit.client.name,
              hit.states.join(', '),
            ]),
          ),
        );
      }
      if (result.groups.length > 0) {
        if (result.users.length > 0) context.out('');
        context.out(
          formatTable(
            ['GROUP', 'MAIL', 'CLIENT', 'STATE'],
            result.groups.map((hit) => [
              hit.displayName,
              hit.mail,
              hit.client.name,
              hit.state + (hit.reporting ? ', used in reports' : ''),
            ]),
          ),
        );
      }
      context.out(
        `${plural(result.users.length, 'user')} and ${plural(result.groups.length, 'group')} in ${plural(result.clientsSearched, 'client')} searched.` +
          (result.truncated ? ' More match: type more of the name to narrow it.' : ''),
      );
    });
}
