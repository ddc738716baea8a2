import { formatCents } from '../domain/licence-cost.js';
import type { MonthlyAmount } from '../contracts/licences.js';
import { z } from 'zod/v4';
import {
  decideAdminAction,
  restartsCollection,
  statusOf,
  type AdminAction,
  type CollectionStatus,
} from '../domain/collection-state.js';
import { checkEligibility } from '../domain/eligibility.js';
import type { ExpiryPolicy } from '../domain/expiry.js';
import { DAY_MS, type Clock } from '../shared/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { expiryAsOf } from '../store/collection-sql.js';
import type { Repositories, Store } from '../store/store.js';
import type { UserRecord } from '../store/user-repository.js';
import type { UserFilter } from '../store/user-repository.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { toUserView } from './user-view.js';
import type { UserChange, UserPage, UserView } from '../contracts/users.js';
import { optionalBoolean, parseInput } from './validation.js';
import { GUID_PATTERN } from '../contracts/values.js';

export interface UserServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

/** Filters and paging of the users list. Every field is optional. */
export const userListInput = z.object({
  search: z.string().trim().max(200, 'at most 200 characters').optional(),
  state: z
    .enum(['not_imported', 'imported', 'disabled'], { error: 'must be not_imported, imported or disabled' })
    .optional(),
  disableReason: z
    .enum(['manual', 'excluded_group', 'deleted_in_entra'], {
      error: 'must be manual, excluded_group or deleted_in_entra',
    })
    .optional(),
  expired: optionalBoolean,
  guest: optionalBoolean,
  /** External members (`#EXT#` accounts classified as members), to exclude them knowingly. */
  externalMember: optionalBoolean,
  /** Users whose sign-in is blocked in Entra (`accountEnabled` false): imported, they are not billable (rule 9). */
  signInBlocked: optionalBoolean,
  /** Rule 3: users who may be imported (not guests, not deleted in Entra, in no excluded group), or who may not. */
  eligible: optionalBoolean,
  department: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
  /** Group id, or its exact display name when unique: transitive members only. */
  group: z.string().trim().min(1, 'must not be empty').max(256, 'at most 256 characters').optional(),
  /** Expired users not billed since this instant or later (ISO 8601): "expired today" from the start of the day. */
  expiredSince: z.iso.datetime({ error: 'must be an ISO 8601 date-time' }).optional(),
  /** Users that will expire within this many days (1–90). */
  expiringWithinDays: z.coerce
    .number({ error: 'must be a number of days' })
    .int('must be whole days')
    .min(1, 'at least 1')
    .max(90, 'at most 90')
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'at least 1')
    .max(500, 'at most 500')
    .default(50),
  cursor: z.string().max(2000, 'too long').optional(),
  /** Count every match too (default true; one more pass over the matches). */
  withTotal: optionalBoolean,
});
export type UserListInput = z.input<typeof userListInput>;

/** A user named by object id (GUID) or user principal name. */
export const userRefSchema = z
  .string({ error: 'name a user by object id or user principal name' })
  .trim()
  .min(1, 'name a user by object id or user principal name')
  .max(256, 'at most 256 characters')
  .refine(
    (value) => GUID_PATTERN.test(value) || /^[^@\s]+@[^@\s]+$/.test(value),
    'must be a user object id (GUID) or a user principal name (name@domain)',
  );

/** How long a client's department names are remembered (they change only when a sync does). */
const DEPARTMENTS_TTL_MS = 60_000;

/**
 * Users of a client (rules 3–5, 8, 9): the list with server-side search, filters and keyset pagination; import and
 * disable one user. Reading needs the read right on the client; importing and disabling need the client-admin right.
 */
export class UserService {
  private readonly store: Store;
  private readonly clientAccess: ClientAccess;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly departmentNames = new Map<string, { readonly names: string[]; readonly at: number }>();

  constructor(options: UserServiceOptions) {
    this.store = options.store;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
  }

  /**
   * A page of the client's users, ordered by display name, each with its state, expiry explanation, billable flag
   * and eligibility.
   * @throws {ValidationError} for malformed filters or a foreign cursor; {@link NotFoundError} for an unknown or
   * invisible client, or an unknown `group`; {@link ForbiddenError}.
   */
  async list(actor: Actor, clientRef: string, input: UserListInput = {}): Promise<UserPage> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const query = parseInput(userListInput, input);
    const policy = await this.store.read.collection.policy(client.id);
    const now = this.clock.now();
    const filter: UserFilter = {
      ...(query.search === undefined ? {} : { search: query.search }),
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.disableReason === undefined ? {} : { disableReason: query.disableReason }),
      ...(query.expired === undefined ? {} : { expired: query.expired }),
      ...(query.guest === undefined ? {} : { guest: query.guest }),
      ...(query.externalMember === undefined ? {} : { externalMember: query.externalMember }),
      ...(query.signInBlocked === undefined ? {} : { signInBlocked: query.signInBlocked }),
      ...(query.department === undefined ? {} : { department: query.department }),
      ...(query.group === undefined ? {} : { groupId: await this.groupId(client.id, query.group) }),
      ...(query.eligible === undefined
        ? {}
        : {
            eligible: {
              is: query.eligible,
              excludedGroupIds: await this.store.read.collection.excludedGroupIds(client.id),
            },
          }),
      ...(query.expiredSince === undefined ? {} : { expiredSince: new Date(query.expiredSince) }),
      ...(query.expiringWithinDays === undefined
        ? {}
        : { expiresBefore: new Date(now.getTime() + query.expiringWithinDays * DAY_MS) }),
    };
    const after = decodeCursor(query.cursor);
    const page = await this.store.read.users.page(client.id, {
      filter,
      expiry: expiryAsOf(policy, now),
      limit: query.limit,
      ...(after === undefined ? {} : { after }),
      withTotal: query.withTotal ?? true,
    });
    const items = await this.views(client.id, page.rows, policy, now);
    const costs = await this.store.read.licenceCosts.monthlyCosts(
      client.id,
      items.map((item) => item.id),
    );
    const monthlyLicenceCosts: Record<string, MonthlyAmount> = {};
    if (costs.currency !== null) {
      for (const [id, cents] of costs.cents) {
        monthlyLicenceCosts[id] = { cents, amount: formatCents(cents), currency: costs.currency };
      }
    }
    return { items, nextCursor: encodeCursor(page.next), total: page.total ?? null, monthlyLicenceCosts };
  }

  /**
   * The import screen's "Entra ID users": users not imported yet, each with whether it can be imported and why not.
   * Same filters and paging as {@link list}.
   */
  async listEntraUsers(actor: Actor, clientRef: string, input: UserListInput = {}): Promise<UserPage> {
    return this.list(actor, clientRef, { ...input, state: 'not_imported' });
  }

  /** One user with its explanation. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async get(actor: Actor, clientRef: string, userRef: string): Promise<UserView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const row = await this.findUser(this.store.read, client.id, userRef);
    const policy = await this.store.read.collection.policy(client.id);
    const [view] = await this.views(client.id, [row], policy, this.clock.now());
    if (view === undefined) throw new NotFoundError('User', userRef);
    return view;
  }

  /**
   * Rule 4: imports one user (also how a manual disable is undone). Already imported: nothing changes. Collection
   * starts now (a user back from a manual disable: its sign-ins while disabled stay uncollected).
   * @throws {ConflictError} `user_not_eligible` naming the reason — "guest account", "member of excluded group
   * Contractors", "deleted in Entra" (details: `reason`, `group`); {@link NotFoundError}; {@link ForbiddenError}.
   */
  async importUser(actor: Actor, clientRef: string, userRef: string): Promise<UserView> {
    return (await this.changeState(actor, clientRef, userRef, 'import')).user;
  }

  /**
   * Rule 5: disables one user by hand — collection stops from this moment, it is no longer billable, and it stays
   * disabled through later syncs until an admin imports it again. Already disabled by hand: nothing changes.
   * @throws {ConflictError} `user_not_collected` (never imported: nothing to stop), `user_excluded` (disabled as a
   * member of an excluded group, which stays its reason), `user_deleted`; {@link ValidationError}
   * {@link NotFoundError} {@link ForbiddenError}
   */
  async disableUser(actor: Actor, clientRef: string, userRef: string): Promise<UserView> {
    return (await this.changeState(actor, clientRef, userRef, 'disable')).user;
  }

  /**
   * An admin action on one user (`import`: rule 4, `disable`: rule 5), as the transition table of
   * src/domain/collection-state.ts decides it, answering whether it changed anything: one call per click, so a
   * repeated click answers "nothing changed" without reading the user first. Throws as {@link importUser} and
   * {@link disableUser}.
   */
  async changeState(
    actor: Actor,
    clientRef: string,
    userRef: string,
    action: AdminAction,
  ): Promise<UserChange> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const ref = parseInput(userRefSchema, userRef);
    const now = this.clock.now();
    const at = now.toISOString();
    const { row, changed } = await this.store.transaction(async (tx) => {
      const users = tx.users;
      const user = await this.findUser(tx, client.id, ref);
      const current: CollectionStatus = { state: user.collectionState, reason: user.disableReason };
      const outcome = decideAdminAction(action, current);
      if (outcome.kind === 'unchanged') return { row: user, changed: false };
      if (outcome.kind === 'refused') {
        const excluded =
          outcome.code === 'user_excluded'
            ? ((await users.excludedGroupsOf(client.id, [user.id])).get(user.id) ?? [])
            : [];
        const group = excluded[0];
        throw new ConflictError(
          outcome.code,
          `${describeUser(user)} cannot be disabled: ${outcome.why}${
            group === undefined ? '' : ` (${group.displayName ?? group.id})`
          }.`,
          { state: user.collectionState, reason: user.disableReason },
        );
      }
      if (outcome.needsEligible) {
        const excluded = (await users.excludedGroupsOf(client.id, [user.id])).get(user.id) ?? [];
        const eligibility = checkEligibility({
          userType: user.userType,
          userPrincipalName: user.userPrincipalName,
          entraState: user.entraState,
          excludedGroups: excluded,
        });
        if (!eligibility.eligible) {
          throw new ConflictError(
            'user_not_eligible',
            `${describeUser(user)} cannot be imported: ${eligibility.explanation}.`,
            {
              reason: eligibility.reason,
              ...(eligibility.group === undefined
                ? {}
                : { group: { id: eligibility.group.id, displayName: eligibility.group.displayName } }),
            },
          );
        }
      }
      const next = statusOf(outcome.status);
      const change = {
        state: next.state,
        reason: next.reason,
        ...(next.state === 'imported' ? { importedAt: at } : {}),
        ...(restartsCollection(current, next) ? { collectedFrom: at } : {}),
        at,
      };
      const written = await users.changeState(client.id, user.id, current, change);
      if (!written) throw concurrentChange(user);
      await this.audit.record(tx, actor, {
        action: action === 'import' ? 'user.import' : 'user.disable',
        clientId: client.id,
        targetType: 'user',
        targetId: user.id,
        before: { collectionState: user.collectionState, disableReason: user.disableReason },
        after: {
          collectionState: next.state,
          ...(next.reason === null ? {} : { disableReason: next.reason }),
        },
      });
      // The compare-and-set held, so the row is the one read with exactly these changes: no need to read it again.
      const row: UserRecord = {
        ...user,
        collectionState: change.state,
        disableReason: change.reason,
        importedAt: change.importedAt ?? user.importedAt,
        collectedFrom: change.collectedFrom ?? user.collectedFrom,
        updatedAt: change.at,
      };
      return { row, changed: true };
    });
    const policy = await this.store.read.collection.policy(client.id);
    const [view] = await this.views(client.id, [row], policy, now);
    if (view === undefined) throw new NotFoundError('User', ref);
    return {
      client: { id: client.id, name: client.name, displayName: client.displayName },
      user: view,
      changed,
    };
  }

  /**
   * The client's department names, for the department filter. The read right is checked on every call; only the
   * list itself (a scan of the whole directory, and it changes only when a sync does) is remembered for a minute.
   */
  async departments(actor: Actor, clientRef: string): Promise<string[]> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const now = this.clock.now().getTime();
    const remembered = this.departmentNames.get(client.id);
    if (remembered !== undefined && now - remembered.at < DEPARTMENTS_TTL_MS) return remembered.names;
    const names = await this.store.read.users.departments(client.id);
    this.departmentNames.set(client.id, { names, at: now });
    return names;
  }

  private async views(
    clientId: string,
    rows: readonly UserRecord[],
    policy: ExpiryPolicy,
    now: Date,
  ): Promise<UserView[]> {
    const excluded = await this.store.read.users.excludedGroupsOf(
      clientId,
      rows.map((row) => row.id),
    );
    return rows.map((row) => toUserView(row, excluded.get(row.id) ?? [], policy, now));
  }

  private async findUser(repos: Repositories, clientId: string, userRef: string): Promise<UserRecord> {
    const ref = parseInput(userRefSchema, userRef);
    const user = await repos.users.find(clientId, ref);
    if (user === undefined) throw new NotFoundError('User', ref);
    return user;
  }

  private async groupId(clientId: string, groupRef: string): Promise<string> {
    const group = await this.store.read.groups.find(clientId, groupRef);
    if (group === 'ambiguous') {
      throw new ValidationError(
        `Invalid input — group: several groups are named '${groupRef}'; use the group's id.`,
        [{ path: 'group', message: 'ambiguous name; use the id' }],
      );
    }
    if (group === undefined) throw new NotFoundError('Group', groupRef);
    return group.id;
  }
}

function describeUser(user: UserRecord): string {
  return user.displayName ?? user.userPrincipalName ?? user.id;
}

function concurrentChange(user: UserRecord): ConflictError {
  return new ConflictError(
    'concurrent_change',
    `${describeUser(user)} was changed by someone else at the same moment; look again and retry.`,
  );
}
