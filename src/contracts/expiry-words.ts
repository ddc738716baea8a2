import type { UserView } from './users.js';

/**
 * Rule 8's outcome for one user in a few words, for the tab, the bot and the CLI alike: `expires 2026-12-23`,
 * `expired 2026-11-01`, `does not expire`… (lower case; `day` writes a date as the surface does). The sentence that
 * explains it is `user.expiry.explanation`, from src/domain/expiry.ts.
 */
export function expiryWords(
  user: Pick<UserView, 'expiry' | 'expiredSince'>,
  day: (iso: string | null) => string,
): string {
  const { status, expiresAt } = user.expiry;
  switch (status) {
    case 'expired':
      return `expired ${day(user.expiredSince ?? expiresAt)}`;
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
