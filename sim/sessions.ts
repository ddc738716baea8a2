/**
 * Users' sign-in sessions: `revokeSignInSessions` resets `signInSessionsValidFromDateTime` to now
 * (https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions), so tokens issued before no longer refresh.
 */
export class TenantSessions {
  private readonly validFrom = new Map<string, string>();

  revoke(userId: string, now: Date): void {
    this.validFrom.set(userId, now.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }

  /** `signInSessionsValidFromDateTime`, or undefined when never revoked (Graph then shows the account's creation). */
  validFromOf(userId: string): string | undefined {
    return this.validFrom.get(userId);
  }
}
