/**
 * When a licence refusal means "this tenant has no Entra ID P1/P2".
 *
 * Graph answers audit and report requests of a tenant without P1/P2 with 403
 * `Authentication_RequestFromNonPremiumTenantOrB2CTenant`, but its licence check has been reported to fail
 * intermittently on licensed tenants (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/3033,
 * #3808, #3581; the documented known issue: https://learn.microsoft.com/en-us/graph/known-issues). One refusal alone
 * would flip a licensed tenant to "no P1/P2 — activity unknown" for a day. So a refusal is only believed when it is
 * seen again at least an hour after the first one; until then the client keeps its state and the next run asks
 * again (soon, not a day later). Any successful audit read forgets the refusal.
 */

import { DAY_MS } from '../shared/clock.js';

/** Where the first unconfirmed refusal of each client is remembered (the integrations table). */
export interface LicenceRefusalMemory {
  firstLicenceRefusal(clientId: string): Promise<string | null>;
  rememberLicenceRefusal(clientId: string, at: Date): Promise<void>;
  forgetLicenceRefusal(clientId: string): Promise<void>;
}

export interface LicenceCheckOptions {
  readonly memory: LicenceRefusalMemory;
  /** How long after the first refusal another one confirms it. Default 1 hour. */
  readonly confirmAfterMs?: number;
}

/** `confirmed`: the tenant has no P1/P2; `unconfirmed`: treat it as passing, ask again on the next run. */
export type LicenceVerdict = 'confirmed' | 'unconfirmed';

export const LICENCE_CONFIRM_AFTER_MS = 60 * 60 * 1000;

/**
 * What a run that met an unconfirmed licence refusal reports as skipped: it read nothing, and the tenant's licence
 * is not verified either way until the next run asks again.
 */
export const LICENCE_NOT_VERIFIED =
  'not verified: the licence check refused once; asked again on the next run';

/** What the activity reads know of a client's activity data: recorded as unavailable (no P1/P2), and when. */
export interface ActivityDataFacts {
  readonly activityData: string;
  readonly activityDataCheckedAt: string | null;
}

/**
 * Whether an activity read (sign-ins, signInActivity, MFA registrations) is skipped: the tenant was found to have no
 * P1/P2 less than `recheckAfterMs` (default a day) ago, so asking again now would only be refused again.
 */
export function activityDataPaused(
  integration: ActivityDataFacts,
  now: Date,
  recheckAfterMs: number = DAY_MS,
): boolean {
  return (
    integration.activityData === 'unavailable' &&
    integration.activityDataCheckedAt !== null &&
    now.getTime() - Date.parse(integration.activityDataCheckedAt) < recheckAfterMs
  );
}

export class LicenceCheck {
  private readonly memory: LicenceRefusalMemory;
  private readonly confirmAfterMs: number;

  constructor(options: LicenceCheckOptions) {
    this.memory = options.memory;
    this.confirmAfterMs = options.confirmAfterMs ?? LICENCE_CONFIRM_AFTER_MS;
  }

  /**
   * Graph refused the client's audit data for want of a licence, at `now`. A tenant already known to have no
   * P1/P2 stays so at once; otherwise the refusal is confirmed only by one seen `confirmAfterMs` after the first.
   */
  async refused(clientId: string, alreadyUnavailable: boolean, now: Date): Promise<LicenceVerdict> {
    if (alreadyUnavailable) return 'confirmed';
    const first = await this.memory.firstLicenceRefusal(clientId);
    if (first === null) {
      await this.memory.rememberLicenceRefusal(clientId, now);
      return 'unconfirmed';
    }
    if (now.getTime() - Date.parse(first) < this.confirmAfterMs) return 'unconfirmed';
    await this.memory.forgetLicenceRefusal(clientId);
    return 'confirmed';
  }

  /** Graph served the client's audit data: a pending refusal was transient. */
  async passed(clientId: string): Promise<void> {
    await this.memory.forgetLicenceRefusal(clientId);
  }
}
