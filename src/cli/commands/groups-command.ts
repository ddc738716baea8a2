import type { Command } from 'commander';
import { ValidationError } from '../../shared/errors.js';
import { emptyDirectory, formatTable, type CliContext } from '../cli-context.js';

/** `groups list|exclude|report-import|members`: a client's groups, the irreversible exclusion, reporting groups. */
export function registerGroupsCommand(program: Command, context: CliContext): void {
  const groups = program
    .command('groups')
    .description("list a client's groups, exclude them, use them in reports");

  groups
    .command('list')
    .description('list groups with direct and nested member counts')
    .argument('<client>', 'client name or id')
    .option('--search <text>', 'part of the name or mail')
    .option('--excluded <yes|no>', 'only excluded (yes) or not excluded (no) groups')
    .option('--reporting <yes|no>', 'only groups imported for reporting (yes) or not (no)')
    .option('--limit <n>', 'page size, 1–500 (default 100)')
    .option('--offset <n>', 'skip this many groups')
    .option('--json', 'print the page as one JSON document: { items, total }')
    .action(
      async (
        clientRef: string,
        options: {
          search?: string;
          excluded?: string;
          reporting?: string;
          limit?: string;
          offset?: string;
          json?: boolean;
        },
      ) => {
        const core = await context.core();
        const page = await core.groups.list(context.actor, clientRef, {
          ...(options.search === undefined ? {} : { search: options.search }),
          ...(options.excluded === undefined ? {} : { excluded: options.excluded as 'yes' }),
          ...(options.reporting === undefined ? {} : { reporting: options.reporting as 'yes' }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          ...(options.offset === undefined ? {} : { offset: options.offset }),
        });
        if (options.json === true) {
          context.out(JSON.stringify(page));
          return;
        }
        if (page.items.length === 0) {
          context.out(await emptyDirectory(context, clientRef, 'group', 'No groups match.'));
          return;
        }
        context.out(
          formatTable(
            ['NAME', 'ID', 'KIND', 'USERS (DIRECT)', 'USERS (ALL)', 'EXCLUDED', 'REPORTING'],
            page.items.map((group) => [
              group.displayName,
              group.id,
              group.isTeam ? `${group.kind}, team` : group.kind,
              group.counts.directUsers,
              group.counts.transitiveUsers,
              group.excluded === null ? 'no' : `since ${group.excluded.at.slice(0, 10)}`,
              group.reportingEnabled ? 'yes' : 'no',
            ]),
          ),
        );
        context.out(`${page.items.length} shown of ${page.total}.`);
      },
    );

  groups
    .command('exclude')
    .description(
      'exclude a group for good: --preview shows what it does and gives a token; --confirm <token> does it',
    )
    .argument('<client>', 'client name or id')
    .argument('[group]', 'group id or exact name (with --preview)')
    .option('--preview', 'show the users it would disable and the billable count before → after')
    .option('--confirm <token>', 'confirm the preview that printed this token')
    .option('--sample <n>', 'how many affected users to list in the preview (default 50)')
    .option('--json', 'print the preview or the result as JSON')
    .action(
      async (
        clientRef: string,
        groupRef: string | undefined,
        options: { preview?: boolean; confirm?: string; sample?: string; json?: boolean },
      ) => {
        const core = await context.core();
        if ((options.preview === true) === (options.confirm !== undefined)) {
          throw new ValidationError('Use exactly one of --preview (with a group) or --confirm <token>.', [
            { path: '--preview', message: 'or --confirm, exactly one' },
          ]);
        }
        if (options.preview === true) {
          if (groupRef === undefined) {
            throw new ValidationError(
              'Name the group to preview: groups exclude <client> <group> --preview.',
              [{ path: 'group', message: 'required with --preview' }],
            );
          }
          const preview = await core.groups.previewExclusion(
            context.actor,
            clientRef,
            groupRef,
            options.sample === undefined ? {} : { sampleSize: options.sample },
          );
          if (options.json === true) {
            context.out(JSON.stringify(preview));
            return;
          }
          const name = preview.group.displayName ?? preview.group.id;
          if (preview.alreadyExcluded) {
            context.out(`${name} is already excluded; there is nothing to do.`);
            return;
          }
          context.out(
            `Excluding ${name} disables ${preview.affected.count} users (nested members included):`,
          );
          for (const user of preview.affected.sample) {
            context.out(
              `  ${user.displayName ?? user.id} <${user.userPrincipalName ?? '—'}>${user.direct ? '' : ' (nested)'}`,
            );
          }
          if (preview.affected.count > preview.affected.sample.length) {
            context.out(`  … and ${preview.affected.count - preview.affected.sample.length} more`);
          }
          for (const fact of preview.figures.facts) context.out(`${fact.label}: ${fact.value}`);
          if (preview.figures.note !== null) context.out(preview.figures.note);
          context.out('This cannot be undone. To confirm (valid 15 minutes, for you only):');
          context.out(`  groups exclude ${clientRef} --confirm ${preview.token}`);
          return;
        }
        const result = await core.groups.confirmExclusion(context.actor, clientRef, options.confirm ?? '');
        const name = result.group.displayName ?? result.group.id;
        if (options.json === true) context.out(JSON.stringify(result));
        else if (!result.excludedNow) context.out(`${name} was already excluded; nothing changed.`);
        else {
          context.out(`Excluded ${name}; what was collected of its members is deleted.`);
          for (const fact of result.figures.facts) context.out(`${fact.label}: ${fact.value}`);
          if (result.figures.note !== null) context.out(result.figures.note);
        }
      },
    );

  groups
    .command('report-import')
    .description('make a group selectable as a report filter (--undo to stop)')
    .argument('<client>', 'client name or id')
    .argument('<group>', 'group id or exact name')
    .option('--undo', 'stop using the group in reports')
    .option('--json', 'print the group as JSON')
    .action(async (clientRef: string, groupRef: string, options: { undo?: boolean; json?: boolean }) => {
      const core = await context.core();
      const group = await core.groups.setReporting(context.actor, clientRef, groupRef, options.undo !== true);
      context.out(
        options.json === true
          ? JSON.stringify(group)
          : `${group.displayName ?? group.id} ${group.reportingEnabled ? 'is now available' : 'is no longer available'} as a report filter.`,
      );
    });

  groups
    .command('members')
    .description("list a group's users, nested groups included, with their states")
    .argument('<client>', 'client name or id')
    .argument('<group>', 'group id or exact name')
    .option('--limit <n>', 'page size, 1–500 (default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print the page as one JSON document: { group, items, nextCursor }')
    .action(
      async (
        clientRef: string,
        groupRef: string,
        options: { limit?: string; cursor?: string; json?: boolean },
      ) => {
        const core = await context.core();
        const page = await core.groups.members(context.actor, clientRef, groupRef, {
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        });
        if (options.json === true) {
          context.out(JSON.stringify(page));
          return;
        }
        context.out(
          formatTable(
            ['NAME', 'UPN', 'MEMBER', 'STATE', 'BILLABLE'],
            page.items.map((user) => [
              user.displayName,
              user.userPrincipalName,
              user.direct ? 'direct' : 'nested',
              user.state === 'disabled' ? `disabled (${user.disableReason ?? '?'})` : user.state,
              user.billable ? 'yes' : 'no',
            ]),
          ),
        );
        if (page.nextCursor !== null) context.out(`Next page: --cursor ${page.nextCursor}`);
      },
    );
}
