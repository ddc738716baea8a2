import { z } from 'zod/v4';
import { botCommandSchema, REPORT_KINDS, USER_LIST_FILTERS } from '../commands/bot-command.js';
import { GUID_PATTERN } from '../../src/contracts/values.js';

const clientRef = z.string().trim().min(1).max(100);
const groupRef = z.string().trim().min(1).max(256);
/** Users are addressed by object id (or UPN) on cards: what the users service accepts. */
const userRef = z
  .string()
  .trim()
  .min(1)
  .max(256)
  .refine(
    (value) => GUID_PATTERN.test(value) || /^[^@\s]+@[^@\s]+$/.test(value),
    'must be a user object id or UPN',
  );
const cursor = z.string().min(1).max(2000);

/**
 * Every verb a card of this bot can send, with the schema its `data` must match. The server parses each click's
 * `value.action.data` with it before anything else happens (DESIGN §9: card payloads are input like any other).
 * Card builders take the same types, so a card cannot carry data its handler would refuse.
 */
export const actionSchemas = {
  'help.show': z.object({}),
  'clients.list': z.object({}),
  'status.show': z.object({ client: clientRef }),
  'sync.start': z.object({ client: clientRef }),
  'users.list': z.object({
    client: clientRef,
    search: z.string().trim().max(200).optional(),
    filter: z.enum(USER_LIST_FILTERS).optional(),
    cursor: cursor.optional(),
  }),
  'user.show': z.object({ client: clientRef, user: userRef }),
  'user.import': z.object({ client: clientRef, user: userRef }),
  /** Disable's first click: the card asks to confirm (as the tab's dialog does) before anything changes. */
  'user.disable.ask': z.object({ client: clientRef, user: userRef }),
  'user.disable': z.object({ client: clientRef, user: userRef }),
  /** Offboarding a leaver: the preview card of its steps (nothing changes), then its confirmation. */
  'user.offboard.preview': z.object({ client: clientRef, user: userRef }),
  'user.offboard.confirm': z.object({
    client: clientRef,
    user: z.string().regex(GUID_PATTERN, 'must be a user object id'),
  }),
  'groups.list': z.object({
    client: clientRef,
    search: z.string().trim().max(200).optional(),
    offset: z.number().int().min(0).max(100_000).optional(),
  }),
  'group.show': z.object({ client: clientRef, group: groupRef }),
  'group.members': z.object({ client: clientRef, group: groupRef, cursor: cursor.optional() }),
  'group.reporting': z.object({ client: clientRef, group: groupRef, enabled: z.boolean() }),
  'group.exclude.preview': z.object({ client: clientRef, group: groupRef }),
  'group.exclude.confirm': z.object({
    client: clientRef,
    group: groupRef,
    token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a preview token'),
  }),
  'report.show': z.object({ client: clientRef, kind: z.enum(REPORT_KINDS), group: groupRef.optional() }),
  /** A choice card's answer: run the command again with the chosen client. */
  'client.choose': z.object({ client: clientRef, command: botCommandSchema }),
  'notifications.set': z.object({ enabled: z.boolean(), client: clientRef.optional() }),
  'licences.show': z.object({ client: clientRef }),
  /** An action on the client's expired, licensed users: the preview card (nothing changes). */
  'users.act.preview': z.object({
    client: clientRef,
    action: z.enum(['block_sign_in', 'remove_licences', 'revoke_sessions']),
    /** One user's card names the user; absent, the client's expired users who still hold licences. */
    users: z.array(z.string().regex(GUID_PATTERN, 'must be a user object id')).min(1).max(25).optional(),
  }),
  /** The confirmation (or Undo) of an action on the users the preview card named. */
  'users.act.confirm': z.object({
    client: clientRef,
    action: z.enum([
      'block_sign_in',
      'unblock_sign_in',
      'revoke_sessions',
      'remove_licences',
      'restore_licences',
    ]),
    users: z.array(z.string().regex(GUID_PATTERN, 'must be a user object id')).min(1).max(25),
  }),
} as const;

export type ActionVerb = keyof typeof actionSchemas;
export type ActionData<V extends ActionVerb> = z.input<(typeof actionSchemas)[V]>;
export type ParsedActionData<V extends ActionVerb> = z.output<(typeof actionSchemas)[V]>;

export function isActionVerb(verb: string): verb is ActionVerb {
  return Object.hasOwn(actionSchemas, verb);
}
