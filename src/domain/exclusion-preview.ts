import crypto from 'node:crypto';

/** How long an exclusion preview can be confirmed. Long enough to read it, short enough to stay truthful. */
export const EXCLUSION_PREVIEW_TTL_MS = 15 * 60 * 1000;

/**
 * A fingerprint of a group's transitive user membership: `<count>:<sha-256 of the ids in ascending code-unit order>`.
 * A preview stores it; confirming recomputes it, so a membership change between the two makes the preview stale.
 * The ids are sorted here rather than by the database, whose collation may order them differently.
 */
export function fingerprintOf(userIds: Iterable<string>): string {
  const sorted = [...new Set(userIds)].sort();
  const hash = crypto.createHash('sha256');
  for (const id of sorted) hash.update(`${id}\n`);
  return `${sorted.length}:${hash.digest('hex')}`;
}

/** What an exclusion preview was bound to, as stored with its token. */
export interface ExclusionPreviewBinding {
  readonly clientId: string;
  readonly groupId: string;
  readonly fingerprint: string;
  readonly actorTenantId: string;
  readonly actorObjectId: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

export interface ExclusionConfirmation {
  readonly clientId: string;
  readonly actorTenantId: string;
  readonly actorObjectId: string;
  readonly now: Date;
  /** The group's membership fingerprint now. */
  readonly currentFingerprint: string;
}

export type ConfirmationProblem = 'other_client' | 'other_actor' | 'used' | 'expired' | 'stale';

/**
 * Whether a confirmation may proceed on a stored preview (rule 6): same client, same admin, not used, not expired,
 * and the membership unchanged since the preview. Returns the first problem, or `undefined` when it may proceed.
 */
export function checkExclusionConfirmation(
  preview: ExclusionPreviewBinding,
  confirmation: ExclusionConfirmation,
): ConfirmationProblem | undefined {
  if (preview.clientId !== confirmation.clientId) return 'other_client';
  if (
    preview.actorTenantId !== confirmation.actorTenantId.toLowerCase() ||
    preview.actorObjectId !== confirmation.actorObjectId.toLowerCase()
  ) {
    return 'other_actor';
  }
  if (preview.usedAt !== null) return 'used';
  if (confirmation.now.getTime() >= preview.expiresAt.getTime()) return 'expired';
  if (preview.fingerprint !== confirmation.currentFingerprint) return 'stale';
  return undefined;
}

/** Billable count after excluding a group: the billable users among those it will disable are no longer billable. */
export function billableAfterExclusion(billableBefore: number, affectedBillable: number): number {
  return Math.max(0, billableBefore - affectedBillable);
}

/** What an exclusion changes, as rule 6's preview (and its result) shows it. */
export interface ExclusionFigureInput {
  /** Users the exclusion disables (did disable), nested members included. */
  readonly affected: number;
  readonly billableBefore: number;
  readonly billableAfter: number;
  /** `projected`: counted as at the initial import, which has not started. */
  readonly basis: 'current' | 'projected';
  /** The tenant's activity has not been read yet: nobody counts as expired yet. */
  readonly readingActivity: boolean;
  /** What the licences of the users disabled cost a month at the partner's prices; absent or null when unpriced. */
  readonly monthlyLicenceCost?: { readonly amount: string; readonly currency: string } | null;
}

/** The figures in words, label and value, and the one caveat: what the tab, the bot and the CLI all show. */
export interface ExclusionFigures {
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  readonly note: string | null;
}

/** Rule 6's figures, worded once so that every edge shows them the same way. */
export function exclusionFigures(input: ExclusionFigureInput): ExclusionFigures {
  const n = (value: number): string => value.toLocaleString('en-US');
  const delta = input.billableAfter - input.billableBefore;
  // Members already outside billing (expired, account disabled, …) are disabled too, but take nothing off the
  // count: say how many, or "45 disabled" beside "−43" reads like a mistake.
  const unbilled = input.affected - (input.billableBefore - input.billableAfter);
  return {
    facts: [
      {
        label: 'Users disabled',
        value:
          `${n(input.affected)} (nested members included)` +
          (unbilled > 0 ? `, ${n(unbilled)} of them not billable` : ''),
      },
      {
        label: 'Billable users',
        value: `${n(input.billableBefore)} → ${n(input.billableAfter)} (${delta === 0 ? '±0' : delta > 0 ? `+${n(delta)}` : `−${n(-delta)}`})`,
      },
      {
        label: 'Counted',
        value: input.basis === 'projected' ? 'as at the initial import (not started yet)' : 'now',
      },
      // Only where the partner set prices: a cost is never guessed (issue 17).
      ...(input.monthlyLicenceCost === undefined || input.monthlyLicenceCost === null
        ? []
        : [
            {
              label: 'Licences they hold',
              value: `${input.monthlyLicenceCost.amount} ${input.monthlyLicenceCost.currency} a month (still assigned)`,
            },
          ]),
    ],
    note: input.readingActivity
      ? 'Reading activity…: users past the expiry threshold are not known yet, so both billable figures may still drop.'
      : null,
  };
}
