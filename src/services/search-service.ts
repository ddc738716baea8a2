import { z } from 'zod/v4';
import type { ClientRef } from '../contracts/clients.js';
import type { CrossClientSearchResult, SearchGroupHit, SearchUserHit } from '../contracts/search.js';
import { evaluateExpiry } from '../domain/expiry.js';
import { isAllowed } from '../domain/roles.js';
import { groupActions, groupState, userActions, userStates } from '../domain/search-hits.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import { parseInput } from './validation.js';

export interface SearchServiceOptions {
  readonly store: Store;
  readonly access: AccessPolicy;
  readonly clock: Clock;
}

/** The most users (and, apart, groups) one search answers: enough to spot someone, few enough to read. */
export const SEARCH_MAX_RESULTS = 50;

export const searchInput = z.object({
  text: z
    .string({ error: 'type part of a name, UPN or mail to search for' })
    .trim()
    .min(2, 'type at least 2 characters of a name, UPN or mail')
    .max(100, 'use at most 100 characters'),
  limit: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(SEARCH_MAX_RESULTS, `must be at most ${SEARCH_MAX_RESULTS}`)
    .optional(),
});
export type SearchInput = z.input<typeof searchInput>;

/**
 * Cross-client search (issue 16): users and groups whose name, UPN or mail contains a text, across every client the
 * actor may see (the access policy decides), each with its client, its state and the actions this actor may take
 * on it — a viewer gets none but opening it.
 */
export class SearchService {
  private readonly options: SearchServiceOptions;

  constructor(options: SearchServiceOptions) {
    this.options = options;
  }

  /** @throws {ValidationError} for an empty or too long text, or a bad limit. */
  async find(actor: Actor, input: SearchInput): Promise<CrossClientSearchResult> {
    const { text, limit = 25 } = parseInput(searchInput, input);
    const { store, access, clock } = this.options;
    const [grants, visible] = await Promise.all([access.grantsOf(actor), access.visibleClients(actor)]);
    const clients = await store.read.clients.list(visible);
    if (clients.length === 0) {
      return { text, users: [], groups: [], truncated: false, clientsSearched: 0 };
    }
    const refOf = new Map<string, ClientRef>(
      clients.map((client) => [
        client.id,
        { id: client.id, name: client.name, displayName: client.displayName },
      ]),
    );
    // Everything visible is searched in one statement per kind: a partner admin's scope is "all" (no id list).
    const scope = visible === 'all' ? 'all' : clients.map((client) => client.id);
    const repository = store.read.search;
    const [userRows, groupRows] = await Promise.all([
      repository.users(scope, text, limit + 1),
      repository.groups(scope, text, limit + 1),
    ]);
    const foundUsers = userRows.slice(0, limit).filter((row) => refOf.has(row.client_id));
    const foundGroups = groupRows.slice(0, limit).filter((row) => refOf.has(row.client_id));
    const hitClients = [...new Set(foundUsers.map((row) => row.client_id))];
    const [policies, excludedMembers] = await Promise.all([
      hitClients.length === 0
        ? Promise.resolve(new Map<string, never>())
        : store.read.dashboard.policies(hitClients),
      repository.inExcludedGroups(foundUsers.map((row) => ({ clientId: row.client_id, userId: row.id }))),
    ]);
    const now = clock.now();
    const canOperate = (clientId: string): boolean => isAllowed(grants, 'client:operate', clientId);

    const users = foundUsers.map((row): SearchUserHit => {
      const policy = policies.get(row.client_id) ?? { thresholdDays: 30, activityData: 'unknown' as const };
      const expired = evaluateExpiry(
        {
          collectionState: row.collection_state,
          importedAt: row.imported_at,
          lastSignInAt: row.last_sign_in_at,
          lastSignInApp: row.last_sign_in_app,
          signInActivityAt: row.sign_in_activity_at,
        },
        policy,
        now,
      ).expired;
      const facts = {
        userType: row.user_type,
        userPrincipalName: row.user_principal_name,
        accountEnabled: row.account_enabled === 1,
        entraState: row.entra_state,
        collectionState: row.collection_state,
        disableReason: row.disable_reason,
        expired,
        inExcludedGroup: excludedMembers.has(`${row.client_id}/${row.id}`),
      };
      return {
        kind: 'user',
        client: refOf.get(row.client_id) ?? {
          id: row.client_id,
          name: row.client_id,
          displayName: row.client_id,
        },
        id: row.id,
        displayName: row.display_name,
        userPrincipalName: row.user_principal_name,
        mail: row.mail,
        states: userStates(facts),
        actions: userActions(facts, canOperate(row.client_id)),
      };
    });
    const groups = foundGroups.map((row): SearchGroupHit => {
      const facts = {
        entraState: row.entra_state,
        excluded: row.excluded_at !== null,
        reporting: row.reporting_enabled === 1,
      };
      return {
        kind: 'group',
        client: refOf.get(row.client_id) ?? {
          id: row.client_id,
          name: row.client_id,
          displayName: row.client_id,
        },
        id: row.id,
        displayName: row.display_name,
        mail: row.mail,
        state: groupState(facts),
        reporting: facts.reporting,
        actions: groupActions(facts, canOperate(row.client_id)),
      };
    });
    return {
      text,
      users,
      groups,
      truncated: userRows.length > limit || groupRows.length > limit,
      clientsSearched: clients.length,
    };
  }
}
