import { z } from 'zod/v4';

/** A client, user or group as a person types it (short name, id, UPN, mail or display name). */
const ref = z.string().trim().min(1).max(256);
const searchTerm = z.string().trim().max(200);

export const REPORT_KINDS = ['usage', 'sso', 'mfa', 'billing'] as const;
export type ReportKindName = (typeof REPORT_KINDS)[number];

/** `users --expired|--disabled|--external|--blocked`: one filter of the users list at a time. */
export const USER_LIST_FILTERS = ['expired', 'disabled', 'external', 'blocked'] as const;
export type UserListFilter = (typeof USER_LIST_FILTERS)[number];

/**
 * The bot's commands, parsed. The same schema validates a command carried in a card's data (a client choice card
 * re-runs the command with the chosen client), so nothing a click sends is trusted unchecked.
 */
export const botCommandSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('help') }),
  z.object({ name: z.literal('clients') }),
  z.object({ name: z.literal('whoami') }),
  z.object({ name: z.literal('status'), client: ref.optional() }),
  z.object({ name: z.literal('sync'), client: ref.optional() }),
  z.object({
    name: z.literal('users'),
    client: ref.optional(),
    /** Without `client`: `[client] [search…]` still to be told apart; with it: the search words. */
    args: z.array(searchTerm).max(20),
    filter: z.enum(USER_LIST_FILTERS).optional(),
  }),
  z.object({ name: z.literal('import'), client: ref.optional(), user: ref }),
  z.object({ name: z.literal('disable'), client: ref.optional(), user: ref }),
  z.object({ name: z.literal('offboard'), client: ref.optional(), user: ref }),
  z.object({ name: z.literal('groups'), client: ref.optional(), search: searchTerm.optional() }),
  z.object({ name: z.literal('exclude'), client: ref.optional(), group: ref }),
  z.object({
    name: z.literal('report'),
    client: ref.optional(),
    kind: z.enum(REPORT_KINDS),
    group: ref.optional(),
  }),
  z.object({ name: z.literal('notifications'), client: ref.optional(), enabled: z.boolean() }),
  z.object({ name: z.literal('licences'), client: ref.optional() }),
  /** Search every visible client; the search service says what is wrong with the text. */
  z.object({ name: z.literal('find'), text: z.string().trim().max(500) }),
]);

export type BotCommand = z.infer<typeof botCommandSchema>;

/** Commands that act on one client and so need one chosen. */
export type ClientCommand = Extract<BotCommand, { client?: string | undefined }>;

/** What a message parsed into: a command, or why it is not one. */
export type ParsedMessage =
  | { readonly kind: 'command'; readonly command: BotCommand }
  | { readonly kind: 'unknown'; readonly text: string }
  | { readonly kind: 'invalid'; readonly command: string; readonly problem: string };

/** One line of help per command, in the order the help card lists them. */
export const COMMAND_HELP: readonly { readonly usage: string; readonly does: string }[] = [
  {
    usage: 'clients',
    does: 'the clients you can see: sync, billable and its trend, expired, MFA, SSO, changes',
  },
  { usage: 'find <name, UPN or mail>', does: 'find users and groups in every client you can see' },
  { usage: 'status [client]', does: 'integration, users, groups and the last sync of a client' },
  { usage: 'sync [client]', does: 'synchronise a client now, with live progress' },
  {
    usage: 'users [client] [search] [--expired|--disabled|--external|--blocked]',
    does: 'find users by name, UPN or mail (--external: external members, --blocked: sign-in blocked in Entra); import or disable them',
  },
  { usage: 'import [client] <user>', does: 'start collecting a user (UPN, mail or name)' },
  { usage: 'disable [client] <user>', does: 'stop collecting a user; no longer billable' },
  {
    usage: 'offboard [client] <user>',
    does: 'a leaver: block sign-in, sign out everywhere, remove licences, stop billing — shows the steps first',
  },
  { usage: 'groups [client] [search]', does: 'find groups; exclude, import for reporting, view members' },
  { usage: 'exclude [client] <group>', does: 'preview what excluding a group does, then confirm' },
  {
    usage: 'report usage|sso|mfa|billing [client] [--group <name>]',
    does: 'a report summary with a link to the tab',
  },
  {
    usage: 'licences [client]',
    does: 'subscriptions, seats unused and what licences cost; the inactive users still licensed',
  },
  { usage: 'notifications on|off [client]', does: 'proactive notifications in this chat or channel' },
  { usage: 'whoami', does: 'who the bot thinks you are, and your roles' },
  { usage: 'help', does: 'this list' },
];
