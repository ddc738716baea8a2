import { formatCents } from '../domain/licence-cost.js';
import crypto from 'node:crypto';
import { z } from 'zod/v4';
import {
  billableAfterExclusion,
  checkExclusionConfirmation,
  EXCLUSION_PREVIEW_TTL_MS,
  exclusionFigures,
  fingerprintOf,
  type ConfirmationProblem,
} from '../domain/exclusion-preview.js';
import type { ExclusionPreview, ExclusionResult } from '../contracts/groups.js';
import { AppError, ConflictError } from '../shared/errors.js';
import type { BillableBasis } from '../domain/vocabulary.js';
import type { GroupRecord } from '../store/group-repository.js';
import type { Actor } from './actor.js';
import { toUserView } from './user-view.js';
import { parseInput } from './validation.js';
import { GroupServiceBase } from './group-base.js';

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
 * Rule 6, the irreversible exclusion of a group, in two steps: a preview bound by a single-use token to the group's
 * membership as it is now, then its confirmation, which re-checks that binding, excludes the group once and
 * disables its nested members, audited, in one transaction.
 */
export class GroupExclusion extends GroupServiceBase {
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
    const group = await this.findGroup(this.store.read, client.id, groupRef);
    if (group.entraState !== 'active') {
      throw new ConflictError(
        'group_deleted',
        `${describeGroup(group)} has been deleted in Entra; there is nothing to exclude.`,
      );
    }
    const now = this.clock.now();
    const groups = this.store.read.groups;
    const fingerprint = fingerprintOf(await groups.transitiveUserIds(client.id, group.id));
    const alreadyExcluded = group.excludedAt !== null;
    const { before, basis, expiry } = await this.billableNow(this.store.read, client.id, now);
    const excludedIds = await this.store.read.collection.excludedGroupIds(client.id);
    const impact = alreadyExcluded
      ? { affected: 0, affectedBillable: 0 }
      : await groups.exclusionImpact(client.id, group.id, excludedIds, basis, expiry);
    const sampleRows = alreadyExcluded ? [] : await groups.affectedSample(client.id, group.id, sampleSize);
    const policy = await this.store.read.collection.policy(client.id);
    const excludedOf = await this.store.read.users.excludedGroupsOf(
      client.id,
      sampleRows.map((row) => row.id),
    );
    const after = billableAfterExclusion(before, impact.affectedBillable);
    const [licenceCents, currency] = alreadyExcluded
      ? [null, null]
      : await Promise.all([
          groups.affectedLicenceCents(client.id, group.id),
          this.store.read.licenceCosts.currency(client.id),
        ]);

    const monthlyLicenceCost =
      licenceCents === null || currency === null
        ? null
        : { cents: licenceCents, amount: formatCents(licenceCents), currency };

    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + EXCLUSION_PREVIEW_TTL_MS);
    const payload: PreviewPayload = {
      groupId: group.id,
      groupName: group.displayName,
      fingerprint,
      affected: impact.affected,
      billableBefore: before,
      billableAfter: after,
      basis,
    };
    await this.store.read.pendingActions.insert({
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
      group: await this.view(this.store.read, client.id, group),
      alreadyExcluded,
      affected: {
        count: impact.affected,
        sample: sampleRows.map((row) => ({
          ...toUserView(row, excludedOf.get(row.id) ?? [], policy, now),
          direct: row.direct,
        })),
        monthlyLicenceCost,
      },
      billable: { before, after, basis, readingActivity: !expiry.activityRead },
      figures: exclusionFigures({
        affected: impact.affected,
        billableBefore: before,
        billableAfter: after,
        basis,
        readingActivity: !expiry.activityRead,
        monthlyLicenceCost,
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
    const result = await this.store.transaction(async (tx) => {
      const pending = tx.pendingActions;
      const id = hashToken(parsedToken);
      const stored = await pending.find(id, 'exclusion_preview');
      if (stored?.client_id !== client.id) throw previewNotFound();
      const payload = JSON.parse(stored.payload) as PreviewPayload;
      const groups = tx.groups;
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

      const group = await this.findGroup(tx, client.id, payload.groupId);
      const { before, basis, expiry } = await this.billableNow(tx, client.id, now);
      const excludedNow = await groups.markExcluded(client.id, group.id, at, actor.name ?? actor.objectId);
      const reconciled = excludedNow
        ? await this.reconciler.reconcileIn(tx, client.id, { onlyMembersOf: group.id })
        : undefined;
      const disabledUsers = reconciled?.disabledExcludedGroup ?? 0;
      const after = excludedNow ? (await this.billableNow(tx, client.id, now)).before : before;
      if (excludedNow) {
        await this.audit.record(tx, actor, {
          action: 'group.exclude',
          clientId: client.id,
          targetType: 'group',
          targetId: group.id,
          before: { excluded: false, billable: before, basis },
          after: {
            excluded: true,
            groupName: group.displayName,
            disabledUsers,
            forgottenUsers: reconciled?.purgedUsers ?? 0,
            billable: after,
            previewedAffected: payload.affected,
            previewedBillableAfter: payload.billableAfter,
          },
        });
      }
      const refreshed = await this.findGroup(tx, client.id, group.id);
      return {
        group: await this.view(tx, client.id, refreshed),
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
}

/** Only a hash of a preview token is stored: the table holds nothing that could confirm anything. */
function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function describeGroup(group: GroupRecord): string {
  return group.displayName === null ? `Group ${group.id}` : `Group '${group.displayName}'`;
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
