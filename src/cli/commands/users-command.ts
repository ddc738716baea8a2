import type { Command } from 'commander';
import type { UserView } from '../../contracts/users.js';
import { expiryWords } from '../../contracts/expiry-words.js';
import { emptyDirectory, formatTable, type CliContext } from '../cli-context.js';
import { registerOffboardCommand } from './offboard-command.js';
import { registerUserActionCommands } from './user-actions-command.js';

interface ListOptions {
  search?: string;
  state?: string;
  reason?: string;
  expired?: string | true;
  guest?: string | true;
  external?: string | true;
  blocked?: string | true;
  eligible?: string | true;
  department?: string;
  group?: string;
  expiringWithin?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

/**
 * A yes/no filter as typed: the option alone means yes, as the bot's `--expired` does; any other word goes to the
 * core, which refuses it with the words it accepts.
 */
function yesNo(value: string | true): 'yes' | 'no' {
  return value === true ? 'yes' : (value as 'yes' | 'no');
}

/** `users list|show|import|disable|block|unblock`: a client's directory users and their collection state. */
export function registerUsersCommand(program: Command, context: CliContext): void {
  const users = program.command('users').description("list, import and disable a client's users");

  users
    .command('list')
    .description('list users (server-side search, filters and paging)')
    .argument('<client>', 'client name or id')
    .option('--search <text>', 'part of the display name, UPN or mail')
    .option('--state <state>', 'not_imported | imported | disabled')
    .option('--reason <reason>', 'disable reason: manual | excluded_group | deleted_in_entra')
    .option('--expired [yes|no]', 'only expired users (alone or yes), or only those not expired (no)')
    .option('--guest [yes|no]', 'only guests (alone or yes), or only members (no)')
    .option(
      '--external [yes|no]',
      'only external members (#EXT# accounts of type Member; alone or yes), or none of them (no)',
    )
    .option(
      '--blocked [yes|no]',
      'only users whose sign-in is blocked in Entra (alone or yes), or only those who may sign in (no)',
    )
    .option(
      '--eligible [yes|no]',
      'only users who may be imported (alone or yes), or who may not (no): guests, deleted, excluded',
    )
    .option('--department <name>', 'exact department name')
    .option('--group <group>', 'members of this group, nested groups included (id or exact name)')
    .option('--expiring-within <days>', 'imported users that will expire within this many days')
    .option('--limit <n>', 'page size, 1–500 (default 50)')
    .option('--cursor <cursor>', 'continue after the page that printed this cursor')
    .option('--json', 'print the page as one JSON document: { items, nextCursor, total }')
    .action(async (clientRef: string, options: ListOptions) => {
      const core = await context.core();
      const page = await core.users.list(context.actor, clientRef, {
        ...(options.search === undefined ? {} : { search: options.search }),
        ...(options.state === undefined ? {} : { state: options.state as 'imported' }),
        ...(options.reason === undefined ? {} : { disableReason: options.reason as 'manual' }),
        ...(options.expired === undefined ? {} : { expired: yesNo(options.expired) }),
        ...(options.guest === undefined ? {} : { guest: yesNo(options.guest) }),
        ...(options.external === undefined ? {} : { externalMember: yesNo(options.external) }),
        ...(options.blocked === undefined ? {} : { signInBlocked: yesNo(options.blocked) }),
        ...(options.eligible === undefined ? {} : { eligible: yesNo(options.eligible) }),
        ...(options.department === undefined ? {} : { department: options.department }),
        ...(options.group === undefined ? {} : { group: options.group }),
        ...(options.expiringWithin === undefined ? {} : { expiringWithinDays: options.expiringWithin }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
      });
      if (options.json === true) {
        context.out(JSON.stringify(page));
        return;
      }
      if (page.items.length === 0) {
        context.out(await emptyDirectory(context, clientRef, 'user', 'No users match.'));
        return;
      }
      context.out(
        formatTable(
          ['NAME', 'UPN', 'STATE', 'BILLABLE', 'EXPIRY', 'ACTIVITY'],
          page.items.map((user) => [
            user.displayName,
            user.userPrincipalName,
            stateText(user),
            billableText(user),
            expiryWords(user, day),
            user.expiry.explanation,
          ]),
        ),
      );
      context.out(
        `${page.items.length} shown${page.total === null ? '' : ` of ${page.total}`}.` +
          (page.nextCursor === null ? '' : ` Next page: --cursor ${page.nextCursor}`),
      );
    });

  users
    .command('show')
    .description('show one user, with why it is (not) billable')
    .argument('<client>', 'client name or id')
    .argument('<user>', 'object id or user principal name')
    .option('--json', 'print it as JSON')
    .action(async (clientRef: string, userRef: string, options: { json?: boolean }) => {
      const core = await context.core();
      const user = await core.users.get(context.actor, clientRef, userRef);
      context.out(options.json === true ? JSON.stringify(user) : describeUser(user));
    });

  users
    .command('import')
    .description('import one user (refused, with the reason, for guests, excluded groups and deleted users)')
    .argument('<client>', 'client name or id')
    .argument('<user>', 'object id or user principal name')
    .option('--json', 'print the user as JSON')
    .action(async (clientRef: string, userRef: string, options: { json?: boolean }) => {
      const core = await context.core();
      const user = await core.users.importUser(context.actor, clientRef, userRef);
      context.out(options.json === true ? JSON.stringify(user) : `Imported ${user.displayName ?? user.id}.`);
    });

  users
    .command('disable')
    .description('disable one user by hand: no collection, not billable, until imported again')
    .argument('<client>', 'client name or id')
    .argument('<user>', 'object id or user principal name')
    .option('--json', 'print the user as JSON')
    .action(async (clientRef: string, userRef: string, options: { json?: boolean }) => {
      const core = await context.core();
      const user = await core.users.disableUser(context.actor, clientRef, userRef);
      context.out(options.json === true ? JSON.stringify(user) : `Disabled ${user.displayName ?? user.id}.`);
    });

  registerUserActionCommands(users, context);
  registerOffboardCommand(users, context);
}

/** Yes or no — or pending while the tenant's activity is being read (not final until it has been). */
function billableText(user: UserView): string {
  if (user.billable && user.expiry.status === 'reading_activity') return 'pending (reading activity…)';
  return user.billable ? 'yes' : 'no';
}

function stateText(user: UserView): string {
  if (user.state !== 'disabled') return user.expired ? `${user.state} (expired)` : user.state;
  return `disabled (${user.disableReason ?? '?'})`;
}

function describeUser(user: UserView): string {
  return [
    `Name:        ${user.displayName ?? '—'}`,
    `UPN:         ${user.userPrincipalName ?? '—'}`,
    `Type:        ${user.guest ? 'guest' : user.externalMember ? 'external member' : 'member'}${user.accountEnabled ? '' : ', account disabled in Entra'}`,
    `Entra:       ${user.entraState}`,
    `State:       ${stateText(user)}`,
    `Eligible:    ${user.eligibility.eligible ? 'yes' : `no — ${user.eligibility.explanation}`}`,
    `Activity:    ${user.expiry.explanation}`,
    `Expiry:      ${expiryWords(user, day)}`,
    `Billable:    ${billableText(user)}`,
  ].join('\n');
}

/** A date as the CLI writes them: the UTC day. */
function day(iso: string | null): string {
  return iso === null ? '—' : iso.slice(0, 10);
}
