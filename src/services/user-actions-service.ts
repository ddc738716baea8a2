import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod/v4';
import type { Kysely } from 'kysely';
import { formatCents, sumKnown } from '../domain/licence-cost.js';
import { ACTION_PERMISSIONS } from '../graph/action-permissions.js';
import { parseRetryAfter } from '../graph/retry-after.js';
import type { BatchRequest, BatchResponse, TenantGraph } from '../graph/tenant-graph.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { ClientRow, Database } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { LicenceService } from './licence-service.js';
import { parseInput } from './validation.js';
import { GUID_PATTERN } from '../contracts/values.js';
import type { MonthlyAmount } from '../contracts/licences.js';
import type {
  UserActionName,
  UserActionOutcome,
  UserActionPreview,
  UserActionResult,
  UserActionTarget,
} from '../contracts/user-actions.js';

export interface UserActionsServiceOptions {
  readonly db: Kysely<Database>;
  readonly clientAccess: ClientAccess;
  readonly licences: LicenceService;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly audit: AuditTrail;
  /** Attempts per user when Graph fails transiently (5xx); default 6. Throttling (429) is waited out. */
  readonly maxAttempts?: number;
}

/** Microsoft's limit of requests in one JSON batch (https://learn.microsoft.com/en-us/graph/json-batching). */
export const BATCH_LIMIT = 20;
/** Throttled answers waited out per user before it is reported refused (Graph says to keep honouring Retry-After). */
const MAX_THROTTLES = 100;
/** The most users one action takes (the inactive list's page). */
const SELECTION_LIMIT = 1000;

const selectionInput = z
  .object({
    action: z.enum(['block_sign_in', 'unblock_sign_in'], {
      error: 'action must be block_sign_in or unblock_sign_in',
    }),
    userIds: z
      .array(z.string().regex(GUID_PATTERN, 'each user id is an object id (GUID)'), {
        error: 'userIds must be a list of user object ids',
      })
      .min(1, 'select at least one user')
      .max(SELECTION_LIMIT, `at most ${SELECTION_LIMIT.toString()} users at once`),
    confirm: z.boolean({ error: 'confirm must be true or false' }).optional(),
  })
  .strict();
export type UserActionInput = z.input<typeof selectionInput>;

/** What each action sends, and the permission it needs (block and unblock are the same permission). */
const ACTIONS: Readonly<
  Record<UserActionName, { readonly accountEnabled: boolean; readonly what: string; readonly audit: string }>
> = {
  block_sign_in: {
    accountEnabled: false,
    what: 'Block sign-in: PATCH /users/{id} {"accountEnabled": false} in Microsoft Entra ID (the licences stay assigned).',
    audit: 'user.block_sign_in',
  },
  unblock_sign_in: {
    accountEnabled: true,
    what: 'Allow sign-in again (Undo of block): PATCH /users/{id} {"accountEnabled": true}.',
    audit: 'user.unblock_sign_in',
  },
};
const BLOCK_PERMISSION = blockPermission();

function blockPermission(): (typeof ACTION_PERMISSIONS)[number] {
  const permission = ACTION_PERMISSIONS.find((p) => p.action === 'block_sign_in');
  if (permission === undefined) throw new Error('ACTION_PERMISSIONS lists no block_sign_in');
  return permission;
}

interface StoredUser {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly accountEnabled: boolean;
  readonly entraState: string;
}

interface Planned extends UserActionTarget {
  readonly accountEnabledBefore: boolean | null;
}

/**
 * Acting on a client's users in Entra (issue 17, item 3): block sign-in and its Undo, always previewed (who, what,
 * cost held, what is not applicable) then confirmed. Sent through Graph's JSON batching, at most 20 a batch, each
 * throttled item sent again after its own Retry-After; one result per user (done / refused with Microsoft's
 * reason); idempotent (a user already in the wanted state is done with no request); every user's outcome audited.
 * Needs the client-admin right (partner admins: every client; client admins: their own; viewers never).
 */
export class UserActionsService {
  private readonly db: Kysely<Database>;
  private readonly clientAccess: ClientAccess;
  private readonly licences: LicenceService;
  private readonly graphs: TenantGraphFactory;
  private readonly integrations: IntegrationRepository;
  private readonly audit: AuditTrail;
  private readonly maxAttempts: number;

  constructor(options: UserActionsServiceOptions) {
    this.db = options.db;
    this.clientAccess = options.clientAccess;
    this.licences = options.licences;
    this.graphs = options.graphs;
    this.integrations = options.integrations;
    this.audit = options.audit;
    this.maxAttempts = options.maxAttempts ?? 6;
  }

  /**
   * What the action would do to the selection; changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async preview(actor: Actor, clientRef: string, input: unknown): Promise<UserActionPreview> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const request = parseInput(selectionInput, input);
    const planned = await this.plan(actor, client, request.action, request.userIds, true);
    const availability = (await this.licences.actionAvailability(actor, client.id)).find(
      (a) => a.action === 'block_sign_in',
    );
    const costs = planned.map((t) => t.monthlyCost);
    const currency = costs.find((c) => c !== null)?.currency ?? null;
    const held = sumKnown(costs.map((c) => c?.cents ?? null));
    return {
      clientId: client.id,
      action: request.action,
      what: ACTIONS[request.action].what,
      available: availability?.available ?? false,
      permission: BLOCK_PERMISSION.permission,
      availabilityDetail: availability?.detail ?? '',
      targets: planned.map(({ accountEnabledBefore: _, ...target }) => target),
      toChange: planned.filter((t) => t.plan === 'change').length,
      already: planned.filter((t) => t.plan === 'already').length,
      notApplicable: planned.filter((t) => t.plan === 'not_applicable').length,
      monthlyCostHeld: held === null || currency === null ? null : amount(held, currency),
    };
  }

  /**
   * Does what {@link preview} showed, once `confirm: true` is given. Never throws for a user Graph refuses or for a
   * batch that fails: each user gets a result, and each result is audited.
   * @throws {ValidationError} without confirmation; {@link ConflictError} when the tenant is not connected;
   * {@link NotFoundError} {@link ForbiddenError}
   */
  async execute(actor: Actor, clientRef: string, input: unknown): Promise<UserActionOutcome> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const request = parseInput(selectionInput, input);
    if (request.confirm !== true) {
      throw new ValidationError(
        'Nothing was changed: look at the preview, then send the same selection with confirm: true.',
        [{ path: 'confirm', message: 'must be true to act' }],
      );
    }
    if ((await this.integrations.find(client.id)) === undefined) {
      throw new ConflictError('not_connected', "The client's tenant is not connected: connect it first.");
    }
    const planned = await this.plan(actor, client, request.action, request.userIds, false);
    const wanted = ACTIONS[request.action].accountEnabled;
    const results = new Map<string, UserActionResult>();
    const counters = { batches: 0, itemRequests: 0, throttledItems: 0 };
    for (const target of planned) {
      if (target.plan === 'change') continue;
      results.set(target.id, {
        id: target.id,
        userPrincipalName: target.userPrincipalName,
        outcome: target.plan === 'already' ? 'done' : 'not_applicable',
        requested: false,
        graphStatus: null,
        reason: target.reason,
      });
    }
    await this.recordResults(actor, client.id, request.action, planned, [...results.values()]);
    const toSend = planned.filter((t) => t.plan === 'change');
    if (toSend.length > 0) {
      const graph = this.graphs.create(await this.integrations.credentials(client.id));
      await this.send(graph, toSend, wanted, counters, async (batchResults) => {
        for (const result of batchResults) results.set(result.id, result);
        await this.recordResults(actor, client.id, request.action, planned, batchResults);
      });
    }
    const ordered = planned.flatMap((t) => results.get(t.id) ?? []);
    return {
      clientId: client.id,
      action: request.action,
      done: ordered.filter((r) => r.outcome === 'done').length,
      refused: ordered.filter((r) => r.outcome === 'refused').length,
      notApplicable: ordered.filter((r) => r.outcome === 'not_applicable').length,
      ...counters,
      results: ordered,
    };
  }

  /**
   * Sends the changes in batches of up to 20. An item Graph throttles (429) or fails transiently (5xx) waits its
   * own Retry-After (or a backoff) and goes into a later batch; Microsoft: "evaluate the individual responses …
   * and retry the failed requests after the Retry-After", https://learn.microsoft.com/en-us/graph/throttling.
   * Each finished batch's results are handed to `settle` before the next batch is sent.
   */
  private async send(
    graph: TenantGraph,
    targets: readonly Planned[],
    accountEnabled: boolean,
    counters: { batches: number; itemRequests: number; throttledItems: number },
    settle: (results: UserActionResult[]) => Promise<void>,
  ): Promise<void> {
    interface Pending {
      readonly target: Planned;
      /** Transient failures (5xx) so far; throttling (429) is waited out, not counted. */
      failures: number;
      throttles: number;
    }
    const queue: Pending[] = targets.map((target) => ({ target, failures: 0, throttles: 0 }));
    // Graph's limits are per app and tenant: a Retry-After on one item holds every item, not only that one.
    let holdUntil = 0;
    while (queue.length > 0) {
      const wait = holdUntil - Date.now();
      if (wait > 0) await sleep(wait);
      const ready = queue.splice(0, BATCH_LIMIT);
      const requests: BatchRequest[] = ready.map((p, index) => ({
        id: (index + 1).toString(),
        method: 'PATCH',
        url: `/users/${encodeURIComponent(p.target.id)}`,
        body: { accountEnabled },
      }));
      counters.batches++;
      counters.itemRequests += ready.length;
      let responses: BatchResponse[];
      try {
        responses = await graph.batch(requests, {
          operation: 'users.update.batch',
          requiredPermissions: [BLOCK_PERMISSION.permission],
        });
      } catch (error) {
        // The batch as a whole failed (after the client's own retries): every user in it is reported, none hidden.
        const reason = `The request to Microsoft Graph failed: ${error instanceof Error ? error.message : String(error)}`;
        await settle(ready.map((p) => refused(p.target, null, reason)));
        continue;
      }
      const settled: UserActionResult[] = [];
      const again: Pending[] = [];
      for (const [index, p] of ready.entries()) {
        const response = responses.find((r) => r.id === (index + 1).toString());
        const status = response?.status ?? 0;
        if (status >= 200 && status < 300) {
          settled.push({
            id: p.target.id,
            userPrincipalName: p.target.userPrincipalName,
            outcome: 'done',
            requested: true,
            graphStatus: status,
            reason: null,
          });
          continue;
        }
        const throttled = status === 429 && p.throttles < MAX_THROTTLES;
        const transient = status >= 500 && p.failures + 1 < this.maxAttempts;
        if (!throttled && !transient) {
          settled.push(
            refused(
              p.target,
              status === 0 ? null : status,
              graphReason(response) ?? 'No answer in the batch.',
            ),
          );
          continue;
        }
        if (throttled) {
          p.throttles++;
          counters.throttledItems++;
        } else {
          p.failures++;
        }
        const waitMs =
          parseRetryAfter(headerOf(response, 'retry-after'), Date.now()) ??
          Math.min(30_000, 500 * 2 ** Math.max(p.failures, p.throttles));
        holdUntil = Math.max(holdUntil, Date.now() + waitMs);
        again.push(p);
      }
      // Sent again first, in their order, before the users not tried yet.
      queue.unshift(...again);
      if (settled.length > 0) await settle(settled);
    }
  }

  /** Stores the outcomes (the account state of users done) and audits each, in one transaction. */
  private async recordResults(
    actor: Actor,
    clientId: string,
    action: UserActionName,
    planned: readonly Planned[],
    results: readonly UserActionResult[],
  ): Promise<void> {
    if (results.length === 0) return;
    const byId = new Map(planned.map((t) => [t.id, t]));
    const enabled = ACTIONS[action].accountEnabled;
    await this.db.transaction().execute(async (trx) => {
      const done = results.filter((r) => r.outcome === 'done' && r.requested).map((r) => r.id);
      if (done.length > 0) {
        // What Graph now holds; the next directory sync reads the same.
        await trx
          .updateTable('directory_users')
          .set({ account_enabled: enabled ? 1 : 0 })
          .where('client_id', '=', clientId)
          .where('id', 'in', done)
          .execute();
      }
      for (const result of results) {
        await this.audit.record(trx, actor, {
          action: ACTIONS[action].audit,
          clientId,
          targetType: 'user',
          targetId: result.id,
          before: { accountEnabled: byId.get(result.id)?.accountEnabledBefore ?? null },
          // The user by object id (targetId) and display name; the audit keeps no user principal name (it is scrubbed).
          after: {
            displayName: byId.get(result.id)?.displayName ?? null,
            outcome: result.outcome,
            requested: result.requested,
            graphStatus: result.graphStatus,
            reason: result.reason,
          },
        });
      }
    });
  }

  private async plan(
    actor: Actor,
    client: ClientRow,
    action: UserActionName,
    userIds: readonly string[],
    withCost: boolean,
  ): Promise<Planned[]> {
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))];
    const stored = new Map<string, StoredUser>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('directory_users')
        .select(['id', 'display_name', 'user_principal_name', 'account_enabled', 'entra_state'])
        .where('client_id', '=', client.id)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const row of rows) {
        stored.set(row.id, {
          id: row.id,
          displayName: row.display_name,
          userPrincipalName: row.user_principal_name,
          accountEnabled: row.account_enabled === 1,
          entraState: row.entra_state,
        });
      }
    }
    const costs = new Map<string, MonthlyAmount | null>();
    if (withCost) {
      const inactive = await this.licences.inactiveLicensed(actor, client.id, { limit: 1000 });
      for (const user of inactive.users) costs.set(user.id, user.monthlyCost);
    }
    const wanted = ACTIONS[action].accountEnabled;
    const planned: Planned[] = [];
    for (const id of ids) {
      const user = stored.get(id);
      const base = {
        id,
        displayName: user?.displayName ?? null,
        userPrincipalName: user?.userPrincipalName ?? null,
        accountEnabledBefore: user?.accountEnabled ?? null,
      };
      if (user === undefined) {
        planned.push({
          ...base,
          plan: 'not_applicable',
          reason: "Not a user of the client's directory (sync the client if it was added recently).",
          monthlyCost: null,
        });
        continue;
      }
      let cost = costs.get(id);
      if (withCost && cost === undefined && user.entraState === 'active') {
        cost = (await this.licences.userLicences(actor, client.id, id)).monthlyCost;
      }
      if (user.entraState !== 'active') {
        planned.push({
          ...base,
          plan: 'not_applicable',
          reason: 'Deleted in Microsoft Entra ID.',
          monthlyCost: null,
        });
      } else if (user.accountEnabled === wanted) {
        planned.push({
          ...base,
          plan: 'already',
          reason: wanted ? 'Sign-in is already allowed.' : 'Sign-in is already blocked.',
          monthlyCost: cost ?? null,
        });
      } else {
        planned.push({ ...base, plan: 'change', reason: null, monthlyCost: cost ?? null });
      }
    }
    return planned;
  }
}

function refused(target: Planned, status: number | null, reason: string): UserActionResult {
  return {
    id: target.id,
    userPrincipalName: target.userPrincipalName,
    outcome: 'refused',
    requested: true,
    graphStatus: status,
    reason,
  };
}

function headerOf(response: BatchResponse | undefined, name: string): string | undefined {
  const headers = response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Microsoft's own words for a refused item: `code: message`. */
function graphReason(response: BatchResponse | undefined): string | undefined {
  if (response === undefined) return undefined;
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP ${response.status.toString()}`;
  const message = typeof error?.message === 'string' ? error.message : '';
  return message === '' ? code : `${code}: ${message}`;
}

function amount(cents: number, currency: string): MonthlyAmount {
  return { cents, amount: formatCents(cents), currency };
}
