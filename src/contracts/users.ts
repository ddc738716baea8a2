import type { MonthlyAmount } from './licences.js';
import type {
  ActivitySource,
  CollectionState,
  DisableReason,
  EntraState,
  ExpiryStatus,
  IneligibilityReason,
} from '../domain/vocabulary.js';
import type { ClientRef } from './clients.js';

/** A directory user as the bot, the tab and the CLI show it. */
export interface UserView {
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly userType: string | null;
  /** A guest by Microsoft's definitions: `userType` Guest, or no `userType` on a `#EXT#` account. */
  readonly guest: boolean;
  /** An account from another organisation (`#EXT#` UPN) that Entra classifies as a member: billable like one. */
  readonly externalMember: boolean;
  readonly accountEnabled: boolean;
  /**
   * Synchronised from the client's on-premises Active Directory (Microsoft Entra Connect): the account is managed
   * there, so its sign-in is blocked there, not from here.
   */
  readonly onPremisesSynced: boolean;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly entraState: EntraState;
  readonly state: CollectionState;
  readonly disableReason: DisableReason | null;
  readonly importedAt: string | null;
  readonly lastActivity: {
    readonly at: string;
    readonly source: ActivitySource;
    readonly app: string | null;
  } | null;
  /** Rule 8 now: what billing counts. */
  readonly expired: boolean;
  /** For an expired user, since when it has not been billed. */
  readonly expiredSince: string | null;
  /** Rule 8 evaluated now, with the sentence that explains it. */
  readonly expiry: {
    readonly status: ExpiryStatus;
    readonly explanation: string;
    readonly expiresAt: string | null;
  };
  readonly billable: boolean;
  /** Rule 3: whether the user may be imported, and if not, why (the excluded group named). */
  readonly eligibility:
    | { readonly eligible: true }
    | {
        readonly eligible: false;
        readonly reason: IneligibilityReason;
        readonly explanation: string;
        readonly group?: { readonly id: string; readonly displayName: string | null };
      };
}

/** One page of users. */
export interface UserPage {
  readonly items: UserView[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
  /** Every match, when asked for. */
  readonly total: number | null;
  /**
   * The monthly cost of the licences each user on the page holds, at the partner's prices, by user id: only users
   * holding a priced licence are here (no price set, no cost shown — never zero, never guessed).
   */
  readonly monthlyLicenceCosts: Readonly<Record<string, MonthlyAmount>>;
}

/** What one admin action on a user did: the user now, and whether this action changed it (a repeated click did not). */
export interface UserChange {
  /** The client the user belongs to, as the edges name it. */
  readonly client: ClientRef;
  readonly user: UserView;
  readonly changed: boolean;
}
