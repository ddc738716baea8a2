import crypto from 'node:crypto';
import { z } from 'zod/v4';
import type { Kysely } from 'kysely';
import {
  billableAfterExclusion,
  checkExclusionConfirmation,
  EXCLUSION_PREVIEW_TTL_MS,
  exclusionFigures,
  fingerprintOf,
  type ConfirmationProblem,
} from '../domain/exclusion-preview.js';
import type {
  ExclusionPreview,
  ExclusionResult,
  GroupKind,
  GroupMembersPage,
  GroupPage,
  GroupView,
} from '../contracts/groups.js';
import type { Clock } from '../shared/clock.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import { CollectionRepository } from '../store/collection-repository.js';
import type { ExpiryAsOf } from '../store/collection-sql.js';
import { GroupRepository, type GroupCounts } from '../store/group-repository.js';
import type { BillableBasis } from '../domain/vocabulary.js';
import { PendingActionRepository } from '../store/pending-action-repository.js';
import type { Database, DirectoryGroupRow } from '../store/schema.js';
import { UserRepository } from '../store/user-repository.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { CollectionReconciler } from './collection-reconciler.js';
import { readExpiryPolicy } from './expiry-policy-reader.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';
import { toUserView } from './user-view.js';
import { parseInput } from './validation.js';

export interface GroupServiceOptions {
  readonly db: Kysely<Database>;
  readonly clientAccess: ClientAccess;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** The collection rules, applied in the exclusion's own transaction. */
  readonly reconciler: CollectionReconciler;
}

/** A group named by object id, or by its exact display name when that is unique. */
export const groupRefSchema = z
  .string({ error: 'name a group by id or display name' })
  .trim()
  .min(1, 'name a group by id or display name')
  .max(256, 'at most 256 characters');

const optionalBoolean = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === 'yes')
  .optional();

export const groupListInput = z.object({
  search: z.string().trim().max(200, 'at most 200 characters').optional(),
  excluded: optionalBoolean,
  reporting: optionalBoolean,
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'at least 1')
    .max(500, 'at most 500')
    .default(100),
  offset: z.coerce.number({ error: 'must be a number' }).int().min(0, 'at least 0').default(0),
});
export type GroupListInput = z.input<typeof groupListInput>;

const previewOptions = z.object({
  /** How many of the users it would disable to list (by name). Default 50. */
  sampleSize: z.coerce.number().int().min(0, 'at least 0').max(500, 'at most 500').default(50),
});
export type ExclusionPreviewOptions = z.input<typeof previewOptions>;

/** Preview tokens are 32 random bytes in base64url. */
const tokenSchema = z
  .string({ error: 'give the token the preview returned' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{43}$/, 'not a preview token (preview the exclusion to get one)');

const membersInput = z.object({
  limit: z.coerce.number().int().min(1, 'at least 1').max(500, 'at most 500').default(50),
  cursor: z.string().max(2000, 'too long').optional(),
});
export type GroupMembersInput = z.input<typeof membersInput>;

interface PreviewPayload {
  readonly groupId: string;
  readonly groupName: string | null;
  readonly fingerprint: string;
  readonly affected: number;
  readonly billableBefore: number;
  readonly billableAfter: number;
  readonly basis: BillableBasis;
}

/**
 * Groups of a client (rules 6, 7): the list with member counts, the irreversible exclusion in two steps (a
 * preview bound by token to the group's membership, then its confirmation), import for reporting, and a group's
 * transitive members. Reading needs the read right; changes need the client-admin right.
 */
export class GroupService {
  private readonly db: Kysely<Database>;
  private readonly clientAccess: ClientAccess;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly reconciler: CollectionReconciler;

  constructor(options: GroupServiceOptions) {
    this.db = options.db;
    this.clientAccess = options.clientAccess;
    this.audit = options.audit;
    this.clock = options.clock;
    this.reconciler = options.reconciler;
  }

  /**
   * A page of the client's groups by name, with direct and transitive member counts.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async list(actor: Actor, clientRef: string, input: GroupListInput = {}): Promise<GroupPage> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const query = parseInput(groupListInput, input);
    const groups = new GroupRepository(this.db);
    const page = await groups.list(
      client.id,
      {
        ...(query.search === undefined ? {} : { search: query.search }),
        ...(query.excluded === undefined ? {} : { excluded: query.excluded }),
        ...(query.reporting === undefined ? {} : { reporting: query.reporting }),
      },
      { limit: query.limit, offset: query.offset },
    );
    const counts = await groups.counts(
      client.id,
      page.rows.map((row) => row.id),
    );
    return { items: page.rows.map((row) => toGroupView(row, counts.get(row.id))), total: page.total };
  }

  /** One group with its counts. @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async get(actor: Actor, clientRef: string, groupRef: string): Promise<GroupView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const group = await this.findGroup(this.db, client.id, groupRef);
    return this.view(this.db, client.id, group);
  }

  /**
   * Step 1 of rule 6: what excluding the group would do — the users it disables (nested included) and the billable
   * count before → after — and a token that confirms exactly this preview. Changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}; {@link ConflictError} `group_deleted`
   * for a group deleted in Entra.
   */
  async previewExclusion(
    actor: Actor,
    clientRef: string,
    groupRef: string,
    options: ExclusionPreviewOptions = {},
  ): Promise<ExclusionPreview> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const { sampleSize } = parseInput(previewOptions, options);
    const group = await this.findGroup(this.db, client.id, groupRef);
    if (group.entra_state !== 'active') {
      throw new ConflictError(
        'group_deleted',
        `${describeGroup(group)} has been deleted in Entra; there is nothing to exclude.`,
      );
    }
    const now = this.clock.now();
    const groups = new GroupRepository(this.db);
    const fingerprint = fingerprintOf(await groups.transitiveUserIds(client.id, group.id));
    const alreadyExcluded = group.excluded_at !== null;
    const { before, basis, expiry } = await this.billableNow(this.db, client.id, now);
    const excludedIds = await new CollectionRepository(this.db).excludedGroupIds(client.id);
    const impact = alreadyExcluded
      ? { affected: 0, affectedBillable: 0 }
      : await groups.exclusionImpact(client.id, group.id, excludedIds, basis, expiry);
    const sampleRows = alreadyExcluded ? [] : await groups.affectedSample(client.id, group.id, sampleSize);
    const policy = await readExpiryPolicy(this.db, client.id);
    const excludedOf = await new UserRepository(this.db).excludedGroupsOf(
      client.id,
      sampleRows.map((row) => row.id),
    );
    const after = billableAfterExclusion(before, impact.affectedBillable);

    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + EXCLUSION_PREVIEW_TTL_MS);
    const payload: PreviewPayload = {
      groupId: group.id,
      groupName: group.display_name,
      fingerprint,
      affected: impact.affected,
      billableBefore: before,
      billableAfter: after,
      basis,
    };
    await new PendingActionRepository(this.db).insert({
      id: hashToken(token),
      kind: 'exclusion_preview',
      client_id: client.id,
      actor_tenant_id: actor.tenantId.toLowerCase(),
      actor_object_id: actor.objectId.toLowerCase(),
      payload: JSON.stringify(payload),
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    });
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      group: await this.view(this.db, client.id, group),
      alreadyExcluded,
      affected: {
        count: impact.affected,
        sample: sampleRows.map((row) => ({
          ...toUserView(row, excludedOf.get(row.id) ?? [], policy, now),
          direct: row.direct,
        })),
      },
      billable: { before, after, basis, readingActivity: !expiry.activityRead },
      figures: exclusionFigures({
        affected: impact.affected,
        billableBefore: before,
        billableAfter: after,
        basis,
        readingActivity: !expiry.activityRead,
      }),
    };
  }

  /**
   * Step 2 of rule 6: excludes the group of the preview, for ever, and disables its current members
   * (`excluded_group`) and deletes what was collected of them (rule 10), all in one transaction; later members are
   * never imported. The billable figure after is counted in that transaction, right after the change — what the
   * preview announced when nothing else changed meanwhile. Bound to the preview: same client, same admin, once,
   * within 15 minutes, and only while the group's transitive membership is what the preview saw. Two admins
   * confirming at once leave one consistent result: one excludes, the other finds it done (`excludedNow: false`).
   * @throws {ValidationError} for a malformed token; {@link AppError} `preview_not_found` (404) for an unknown
   * token or another client's; {@link ConflictError} `preview_not_yours`, `preview_used`, `preview_expired`,
   * `preview_stale` (membership changed: preview again); {@link ForbiddenError}.
   */
  async confirmExclusion(actor: Actor, clientRef: string, token: string): Promise<ExclusionResult> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const parsedToken = parseInput(tokenSchema, token);
    const now = this.clock.now();
    const at = now.toISOString();
    const result = await this.db.transaction().execute(async (trx) => {
      const pending = new PendingActionRepository(trx);
      const id = hashToken(parsedToken);
      const stored = await pending.find(id, 'exclusion_preview');
      if (stored?.client_id !== client.id) throw previewNotFound();
      const payload = JSON.parse(stored.payload) as PreviewPayload;
      const groups = new GroupRepository(trx);
      const currentFingerprint = fingerprintOf(await groups.transitiveUserIds(client.id, payload.groupId));
      const problem = checkExclusionConfirmation(
        {
          clientId: stored.client_id,
          groupId: payload.groupId,
          fingerprint: payload.fingerprint,
          actorTenantId: stored.actor_tenant_id,
          actorObjectId: stored.actor_object_id,
          expiresAt: new Date(stored.expires_at),
          usedAt: stored.used_at === null ? null : new Date(stored.used_at),
        },
        {
          clientId: client.id,
          actorTenantId: actor.tenantId,
          actorObjectId: actor.objectId,
          now,
          currentFingerprint,
        },
      );
      if (problem !== undefined) throw confirmationError(problem, payload, currentFingerprint);
      if (!(await pending.markUsed(id, at))) throw confirmationError('used', payload, currentFingerprint);

      const group = await this.findGroup(trx, client.id, payload.groupId);
      const { before, basis, expiry } = await this.billableNow(trx, client.id, now);
      const excludedNow = await groups.markExcluded(client.id, group.id, at, actor.name ?? actor.objectId);
      const reconciled = excludedNow
        ? await this.reconciler.reconcileIn(trx, client.id, { onlyMembersOf: group.id })
        : undefined;
      const disabledUsers = reconciled?.disabledExcludedGroup ?? 0;
      const after = excludedNow ? (await this.billableNow(trx, client.id, now)).before : before;
      if (excludedNow) {
        await this.audit.record(trx, actor, {
          action: 'group.exclude',
          clientId: client.id,
          targetType: 'group',
          targetId: group.id,
          before: { excluded: false, billable: before, basis },
          after: {
            excluded: true,
            groupName: group.display_name,
            disabledUsers,
            forgottenUsers: reconciled?.purgedUsers ?? 0,
            billable: after,
            previewedAffected: payload.affected,
            previewedBillableAfter: payload.billableAfter,
          },
        });
      }
      const refreshed = await this.findGroup(trx, client.id, group.id);
      return {
        group: await this.view(trx, client.id, refreshed),
        excludedNow,
        disabledUsers,
        forgottenUsers: reconciled?.purgedUsers ?? 0,
        billable: { before, after, basis, readingActivity: !expiry.activityRead },
        figures: exclusionFigures({
          affected: disabledUsers,
          billableBefore: before,
          billableAfter: after,
          basis,
          readingActivity: !expiry.activityRead,
        }),
      };
    });
    return result;
  }

  /**
   * Rule 7: makes the group selectable as a report filter (`enabled` true: "import for reporting") or undoes it.
   * Repeating it changes nothing.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async setReporting(
    actor: Actor,
    clientRef: string,
    groupRef: string,
    enabled: boolean,
  ): Promise<GroupView> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:operate');
    const flag = parseInput(z.boolean({ error: 'must be true or false' }), enabled);
    const at = this.clock.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const group = await this.findGroup(trx, client.id, groupRef);
      const changed = await new GroupRepository(trx).setReporting(client.id, group.id, flag, at);
      if (changed) {
        await this.audit.record(trx, actor, {
          action: flag ? 'group.report_import' : 'group.report_undo',
          clientId: client.id,
          targetType: 'group',
          targetId: group.id,
          before: { reportingEnabled: !flag },
          after: { reportingEnabled: flag, groupName: group.display_name },
        });
      }
      return this.view(trx, client.id, await this.findGroup(trx, client.id, group.id));
    });
  }

  /**
   * Rule 7 "View users": the group's transitive user members with their states, by name, keyset-paged.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async members(
    actor: Actor,
    clientRef: string,
    groupRef: string,
    input: GroupMembersInput = {},
  ): Promise<GroupMembersPage> {
    const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
    const query = parseInput(membersInput, input);
    const group = await this.findGroup(this.db, client.id, groupRef);
    const after = decodeCursor(query.cursor);
    const page = await new GroupRepository(this.db).members(client.id, group.id, {
      limit: query.limit,
      ...(after === undefined ? {} : { after }),
    });
    const policy = await readExpiryPolicy(this.db, client.id);
    const now = this.clock.now();
    const excludedOf = await new UserRepository(this.db).excludedGroupsOf(
      client.id,
      page.rows.map((row) => row.id),
    );
    return {
      group: await this.view(this.db, client.id, group),
      items: page.rows.map((row) => ({
        ...toUserView(row, excludedOf.get(row.id) ?? [], policy, now),
        direct: row.direct,
      })),
      nextCursor: encodeCursor(page.next),
    };
  }

  /** The billable figure of the preview's basis now, and the expiry it was counted with. */
  private async billableNow(
    db: Kysely<Database>,
    clientId: string,
    now: Date,
  ): Promise<{ before: number; basis: BillableBasis; expiry: ExpiryAsOf }> {
    const integration = await db
      .selectFrom('integrations')
      .select('import_started_at')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    const collection = new CollectionRepository(db);
    const expiry = await collection.expiryAsOf(clientId, now);
    if ((integration?.import_started_at ?? null) === null) {
      return { before: await collection.projectedBillable(clientId, now), basis: 'projected', expiry };
    }
    return { before: (await collection.counts(clientId, now)).billable, basis: 'current', expiry };
  }

  private async findGroup(
    db: Kysely<Database>,
    clientId: string,
    groupRef: string,
  ): Promise<DirectoryGroupRow> {
    const ref = parseInput(groupRefSchema, groupRef);
    const group = await new GroupRepository(db).find(clientId, ref);
    if (group === 'ambiguous') {
      throw new ValidationError(
        `Invalid input — group: several groups are named '${ref}'; use the group's id.`,
        [{ path: 'group', message: 'ambiguous name; use the id' }],
      );
    }
    if (group === undefined) throw new NotFoundError('Group', ref);
    return group;
  }

  private async view(db: Kysely<Database>, clientId: string, group: DirectoryGroupRow): Promise<GroupView> {
    const counts = await new GroupRepository(db).counts(clientId, [group.id]);
    return toGroupView(group, counts.get(group.id));
  }
}

export function toGroupView(row: DirectoryGroupRow, counts: GroupCounts | undefined): GroupView {
  const types = parseTypes(row.group_types);
  const unified = types.includes('Unified');
  const kind: GroupKind = unified
    ? 'microsoft365'
    : row.mail_enabled === 1 && row.security_enabled === 1
      ? 'mail_enabled_security'
      : row.mail_enabled === 1
        ? 'distribution'
        : 'security';
  return {
    id: row.id,
    displayName: row.display_name,
    description: row.description,
    mail: row.mail,
    kind,
    dynamic: types.includes('DynamicMembership'),
    isTeam: row.is_team === 1,
    entraState: row.entra_state,
    excluded: row.excluded_at === null ? null : { at: row.excluded_at, by: row.excluded_by },
    reportingEnabled: row.reporting_enabled === 1,
    counts: counts ?? { directUsers: 0, directGroups: 0, transitiveUsers: 0 },
  };
}

/** Only a hash of a preview token is stored: the table holds nothing that could confirm anything. */
function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function parseTypes(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

function describeGroup(group: DirectoryGroupRow): string {
  return group.display_name === null ? `Group ${group.id}` : `Group '${group.display_name}'`;
}

function previewNotFound(): AppError {
  return new AppError(
    'preview_not_found',
    'This exclusion preview is unknown for this client; preview the exclusion again.',
    { status: 404 },
  );
}

function confirmationError(problem: ConfirmationProblem, payload: PreviewPayload, current: string): AppError {
  const name = payload.groupName ?? payload.groupId;
  switch (problem) {
    case 'other_client':
      return previewNotFound();
    case 'other_actor':
      return new ConflictError(
        'preview_not_yours',
        `This preview of excluding '${name}' was made by another admin; preview it yourself before confirming.`,
      );
    case 'used':
      return new ConflictError(
        'preview_used',
        `This preview of excluding '${name}' has already been confirmed; it cannot be used twice.`,
      );
    case 'expired':
      return new ConflictError(
        'preview_expired',
        `This preview of excluding '${name}' has expired; preview the exclusion again.`,
      );
    case 'stale': {
      const [was] = payload.fingerprint.split(':');
      const [now] = current.split(':');
      return new ConflictError(
        'preview_stale',
        `The members of '${name}' changed since the preview (${was ?? '?'} → ${now ?? '?'} users); preview the exclusion again.`,
        { previewedMembers: Number(was), currentMembers: Number(now) },
      );
    }
  }
}
