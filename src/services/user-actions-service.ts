import { z } from 'zod/v4';
import { formatCents, heldCost, sumKnown } from '../domain/licence-cost.js';
import { licenceProductName } from '../domain/licence-products.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Clock } from '../shared/clock.js';
import { ConflictError, notConnectedError, ValidationError } from '../shared/errors.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import { notAvailableNotice, readActionAvailability } from './action-availability.js';
import { readPrices } from './licence-prices.js';
import {
  ACTION_KINDS,
  ACTION_NAMES,
  adminRoleNote,
  refusalReason,
  type ActionKind,
} from './user-action-kinds.js';
import { sendInBatches, type SendCounters, type SendResult } from './user-action-sender.js';
import { parseInput } from './validation.js';
import { GUID_PATTERN } from '../contracts/values.js';
import type { LicencePricesView, MonthlyAmount } from '../contracts/licences.js';
import type {
  UserActionLicence,
  UserActionName,
  UserActionOutcome,
  UserActionPreview,
  UserActionResult,
  UserActionTarget,
} from '../contracts/user-actions.js';

export { BATCH_LIMIT } from './user-action-sender.js';

export interface UserActionsServiceOptions {
  readonly store: Store;
  readonly clientAccess: ClientAccess;
  readonly graphs: TenantGraphFactory;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** Attempts per user when Graph fails transiently (5xx); default 6. Throttling (429) is waited out. */
  readonly maxAttempts?: number;
}

/** The most users one action takes (the inactive list's page). */
const SELECTION_LIMIT = 1000;
const guid = (what: string) => z.string().regex(GUID_PATTERN, `each ${what} is a GUID`);

const selectionInput = z
  .object({
    action: z.enum(ACTION_NAMES as [UserActionName, ...UserActionName[]], {
      error: `action must be one of ${ACTION_NAMES.join(', ')}`,
    }),
    userIds: z
      .array(guid('user id (object id)'), { error: 'userIds must be a list of user object ids' })
      .min(1, 'select at least one user')
      .max(SELECTION_LIMIT, `at most ${SELECTION_LIMIT.toString()} users at once`),
    /** Removing licences: only these SKUs (default: every licence each user holds). */
    skuIds: z
      .array(guid('licence (SKU) id'), { error: 'skuIds must be a list of licence (SKU) ids' })
      .min(1, 'choose at least one licence, or leave skuIds out to remove them all')
      .max(50, 'at most 50 licences')
      .optional(),
    confirm: z.boolean({ error: 'confirm must be true or false' }).optional(),
  })
  .strict()
  .refine((input) => input.skuIds === undefined || input.action === 'remove_licences', {
    path: ['skuIds'],
    message: 'skuIds is only for remove_licences (restore_licences gives back exactly what was removed)',
  });
export type UserActionInput = z.input<typeof selectionInput>;
type Selection = z.output<typeof selectionInput>;

interface Planned extends UserActionTarget {
  readonly accountEnabledBefore: boolean | null;
  readonly skuIds: readonly string[];
}

/**
 * Acting on a client's users in Entra (issue 17, item 3): block sign-in and its Undo, revoke sessions, remove
 * licences and its Undo (re-assigning exactly the licences removed, recorded per user), always previewed (who, what,
 * cost held or reclaimed, what is not applicable) then confirmed. Sent through Graph's JSON batching, at most 20 a
 * batch, each throttled item sent again after its own Retry-After; one result per user (done / refused with
 * Microsoft's reason); idempotent (a user already in the wanted state is done with no request); every user's outcome
 * audited. Needs the client-admin right (partner admins: every client; client admins: their own; viewers never).
 */
export class UserActionsService {
  private readonly store: Store;
  private readonly clientAccess: ClientAccess;
  private readonly graphs: TenantGraphFactory;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly maxAttempts: number;

  constructor(options: UserActionsServiceOptions) {
    this.store = options.store;
    this.clientAccess = options.clientAccess;
    this.graphs = options.graphs;
    this.audit = options.audit;
    this.clock = options.clock;
    this.maxAttempts = options.maxAttempts ?? 6;
  }

  /**
   * What the action would do to the selection; changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async preview(actor: Actor, clientRef: string, input: unknown): Promise<UserActionPreview> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const request = parseInput(selectionInput, input);
    const kind = ACTION_KINDS[request.action];
    const planned = await this.plan(client, request);
    const availability = await this.availability(client.id, kind);
    const costs = planned.map((t) => t.monthlyCost);
    const currency = costs.find((c) => c !== null)?.currency ?? null;
    const held = sumKnown(costs.map((c) => c?.cents ?? null));
    const reclaimed = sumKnown(
      planned.filter((t) => t.plan === 'change').map((t) => t.monthlyCost?.cents ?? null),
    );
    return {
      clientId: client.id,
      action: request.action,
      what: kind.what,
      available: availability.available,
      permission: kind.permission.permission,
      availabilityDetail: availability.detail,
      unavailableNotice: availability.available ? null : notAvailableNotice(availability.detail),
      targets: planned.map(({ accountEnabledBefore: _, skuIds: __, ...target }) => target),
      toChange: planned.filter((t) => t.plan === 'change').length,
      already: planned.filter((t) => t.plan === 'already').length,
      notApplicable: planned.filter((t) => t.plan === 'not_applicable').length,
      monthlyCostHeld: held === null || currency === null ? null : amount(held, currency),
      monthlyCostReclaimed:
        request.action !== 'remove_licences' || reclaimed === null || currency === null
          ? null
          : amount(reclaimed, currency),
      undo: kind.undo,
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
    if ((await this.store.read.integrations.find(client.id)) === undefined) {
      throw notConnectedError(client);
    }
    const kind = ACTION_KINDS[request.action];
    // A confirm for an action the tenant has not granted (an old card, a direct API call) is refused before any
    // request, with the words the preview showed in place of its Confirm.
    const availability = await this.availability(client.id, kind);
    if (!availability.available) {
      await this.auditRefused(actor, client.id, request, kind);
      throw new ConflictError('permission_missing', notAvailableNotice(availability.detail), {
        permission: kind.permission.permission,
      });
    }
    const planned = await this.plan(client, request);
    const byId = new Map(planned.map((t) => [t.id, t]));
    const results = new Map<string, UserActionResult>();
    const counters: SendCounters = { batches: 0, itemRequests: 0, throttledItems: 0 };
    const unsent: UserActionResult[] = planned
      .filter((t) => t.plan !== 'change')
      .map((t) => ({
        id: t.id,
        displayName: t.displayName,
        userPrincipalName: t.userPrincipalName,
        outcome: t.plan === 'already' ? 'done' : 'not_applicable',
        requested: false,
        graphStatus: null,
        reason: t.reason,
        skuIds: [],
      }));
    for (const result of unsent) results.set(result.id, result);
    await this.recordResults(actor, client.id, request.action, byId, unsent);
    const toSend = planned.filter((t) => t.plan === 'change');
    if (toSend.length > 0) {
      const graph = this.graphs.create(await this.store.read.integrations.credentials(client.id));
      await sendInBatches(
        graph,
        toSend.map((t) => ({ id: t.id, request: kind.request(t.id, t.skuIds) })),
        { operation: kind.operation, permission: kind.permission.permission, maxAttempts: this.maxAttempts },
        counters,
        async (sent: SendResult[]) => {
          const settled = sent.map((s): UserActionResult => {
            const target = byId.get(s.id);
            return {
              id: s.id,
              displayName: target?.displayName ?? null,
              userPrincipalName: target?.userPrincipalName ?? null,
              outcome: s.ok ? 'done' : 'refused',
              requested: true,
              graphStatus: s.status,
              reason: s.ok ? null : refusalReason(kind, s.status, s.reason),
              skuIds: s.ok ? (target?.skuIds ?? []) : [],
            };
          });
          for (const result of settled) results.set(result.id, result);
          await this.recordResults(actor, client.id, request.action, byId, settled);
        },
      );
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
      undo: kind.undo,
    };
  }

  /** Whether the client's tenant granted the action's permission, and why not / how to grant it. */
  private async availability(
    clientId: string,
    kind: ActionKind,
  ): Promise<{ readonly available: boolean; readonly detail: string }> {
    // The client is resolved with the client-admin right, which includes reading its licences and permissions.
    const found = (await readActionAvailability(this.graphs, this.store.read, clientId)).find(
      (a) => a.action === kind.permission.action,
    );
    return found ?? { available: false, detail: '' };
  }

  /**
   * A confirm refused because the tenant has not granted the action's permission is still an admin's attempt: each
   * user it named is audited as refused (nothing was sent to Graph, nothing else was written).
   */
  private async auditRefused(
    actor: Actor,
    clientId: string,
    request: Selection,
    kind: ActionKind,
  ): Promise<void> {
    const ids = namedUsers(request);
    await this.store.transaction(async (tx) => {
      for (const id of ids) {
        await this.audit.record(tx, actor, {
          action: kind.audit,
          clientId,
          targetType: 'user',
          targetId: id,
          after: { outcome: 'refused', reason: 'permission_missing', permission: kind.permission.permission },
        });
      }
    });
  }

  /** Stores what Graph now holds for the users done (and what was removed, for the Undo); audits each, at once. */
  private async recordResults(
    actor: Actor,
    clientId: string,
    action: UserActionName,
    byId: ReadonlyMap<string, Planned>,
    results: readonly UserActionResult[],
  ): Promise<void> {
    if (results.length === 0) return;
    const at = this.clock.now().toISOString();
    const by = actor.name ?? actor.objectId;
    await this.store.transaction(async (tx) => {
      const actions = tx.userActions;
      const done = results.filter((r) => r.outcome === 'done' && r.requested);
      if (action === 'block_sign_in' || action === 'unblock_sign_in') {
        await actions.setAccountEnabled(
          clientId,
          done.map((r) => r.id),
          action === 'unblock_sign_in',
        );
      }
      for (const result of done) {
        if (action === 'remove_licences')
          await actions.recordRemoval(clientId, result.id, result.skuIds, at, by);
        if (action === 'restore_licences')
          await actions.recordRestore(clientId, result.id, result.skuIds, at);
      }
      for (const result of results) {
        const target = byId.get(result.id);
        await this.audit.record(tx, actor, {
          action: ACTION_KINDS[action].audit,
          clientId,
          targetType: 'user',
          targetId: result.id,
          before: {
            accountEnabled: target?.accountEnabledBefore ?? null,
            ...(action === 'remove_licences' || action === 'restore_licences'
              ? { skuIds: target?.skuIds ?? [] }
              : {}),
          },
          // The user by object id (targetId) and display name; the audit keeps no user principal name (it is scrubbed).
          after: {
            displayName: target?.displayName ?? null,
            outcome: result.outcome,
            requested: result.requested,
            graphStatus: result.graphStatus,
            reason: result.reason,
            ...(result.skuIds.length > 0 ? { skuIds: result.skuIds } : {}),
          },
        });
      }
    });
  }

  private async plan(client: ClientRecord, request: Selection): Promise<Planned[]> {
    const kind = ACTION_KINDS[request.action];
    const ids = namedUsers(request);
    const actions = this.store.read.userActions;
    const [stored, held, removed, prices] = await Promise.all([
      actions.users(client.id, ids),
      actions.licencesOf(client.id, ids),
      request.action === 'restore_licences'
        ? actions.removedLicences(client.id, ids)
        : new Map<string, string[]>(),
      readPrices(this.store.read, client.id),
    ]);
    const only =
      request.skuIds === undefined ? undefined : new Set(request.skuIds.map((s) => s.toLowerCase()));
    const priceList = new Map(
      prices.prices.flatMap((p) => (p.price === null ? [] : [[p.skuId, p.price.cents]])),
    );
    const licences = request.action === 'remove_licences' || request.action === 'restore_licences';
    return ids.map((id): Planned => {
      const user = stored.get(id);
      const base = {
        id,
        displayName: user?.displayName ?? null,
        userPrincipalName: user?.userPrincipalName ?? null,
        accountEnabledBefore: user?.accountEnabled ?? null,
      };
      const none = { monthlyCost: null, licences: [], skuIds: [] };
      if (user === undefined) {
        return {
          ...base,
          ...none,
          plan: 'not_applicable',
          reason: "Not a user of the client's directory (sync the client if it was added recently).",
        };
      }
      if (user.entraState !== 'active') {
        return { ...base, ...none, plan: 'not_applicable', reason: 'Deleted in Microsoft Entra ID.' };
      }
      const plan = kind.plan(user, { held: held.get(id) ?? [], removed: removed.get(id) ?? [], only });
      // Licences actions: the cost of the licences removed or given back; the others: what the user holds.
      const costOf = licences ? plan.skuIds : (held.get(id) ?? []);
      const cents = heldCost(costOf, priceList).monthlyCostCents;
      return {
        ...base,
        plan: plan.plan,
        reason: plan.reason ?? adminRoleNote(kind, user, plan),
        skuIds: plan.skuIds,
        licences: plan.skuIds.map((skuId) => licenceOf(skuId, prices)),
        monthlyCost: cents === null || prices.currency === null ? null : amount(cents, prices.currency),
      };
    });
  }
}

/** The users a request names, each once: object ids in lower case, as stored (a GUID may come in either case). */
function namedUsers(request: Selection): string[] {
  return [...new Set(request.userIds.map((id) => id.toLowerCase()))];
}

function licenceOf(skuId: string, prices: LicencePricesView): UserActionLicence {
  const known = prices.prices.find((p) => p.skuId === skuId);
  return {
    skuId,
    productName: known?.productName ?? licenceProductName(skuId) ?? skuId,
    price: known?.price ?? null,
  };
}

function amount(cents: number, currency: string): MonthlyAmount {
  return { cents, amount: formatCents(cents), currency };
}
