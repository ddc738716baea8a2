import type { UserView } from './users.js';

/**
 * Rule 8's outcome for one user in a few words, for the tab, the bot and the CLI alike: `expires 2026-12-23`,
 * `expired 2026-11-01`, `expired 2026-12-06 (past the threshold since 2026-11-23)`, `does not expire`… (lower case;
 * `day` writes a date as the surface does). The sentence that explains it is `user.expiry.explanation`, from
 * src/domain/expiry.ts.
 */
export function expiryWords(
  user: Pick<UserView, 'expiry' | 'expiredSince'>,
  day: (iso: string | null) => string,
): string {
  const { status, expiresAt } = user.expiry;
  switch (status) {
    case 'expired': {
      // Not billed since `expiredSince`; when that is a later day than the threshold was crossed (the user was
      // imported, or the rules took effect, already past it), both days are said, so that the explanation's
      // arithmetic ("43 days ago; threshold 30") reads right beside the date.
      const since = day(user.expiredSince ?? expiresAt);
      const crossed = day(expiresAt);
      return since === crossed
        ? `expired ${since}`
        : `expired ${since} (past the threshold since ${crossed})`;
    }
    case 'not_applicable':
      return 'does not expire';
    case 'reading_activity':
      return 'not known yet (reading activity…)';
    case 'activity_unknown':
      return 'not known (no activity data)';
    case 'active':
    case 'new_without_activity':
      return expiresAt === null ? 'no date yet' : `expires ${day(expiresAt)}`;
  }
}
