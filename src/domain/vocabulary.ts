/**
 * The words of DESIGN §3: the states a user, a group or an integration can be in, the roles, and the kinds of sync.
 * The storage schema (the store's schema.ts), the rules (src/domain) and the views people read (src/contracts) all
 * take their vocabulary from here.
 */

/** Rules 3–5: a user is imported (collected and billable when eligible), not imported, or disabled. */
export type CollectionState = 'not_imported' | 'imported' | 'disabled';
/** Why a user is disabled: by hand (rule 4), through an excluded group (rule 6), or deleted in Entra (rule 5). */
export type DisableReason = 'manual' | 'excluded_group' | 'deleted_in_entra';
/** Where an object stands in Entra: present, soft-deleted (restorable for 30 days), or gone. */
export type EntraState = 'active' | 'soft_deleted' | 'deleted';
/** How a client's tenant is connected: the admin's own app registration, or admin consent to ours. */
export type IntegrationKind = 'client_credentials' | 'admin_consent';
/**
 * Whether the tenant's activity has been read: `unknown` until the first complete signInActivity pass after a
 * directory sync ("reading activity…"), `available` once read, `unavailable` without Entra ID P1/P2.
 */
export type ActivityDataState = 'unknown' | 'available' | 'unavailable';
/** DESIGN §2: who may do what. */
export type RoleName = 'partner_admin' | 'client_admin' | 'viewer';
export type SyncKind =
  'directory' | 'sign_ins' | 'sign_in_activity' | 'mfa_registration' | 'service_principals' | 'licences';
export type SyncTrigger = 'initial' | 'schedule' | 'manual';
export type SyncStatus = 'running' | 'succeeded' | 'failed';
/**
 * What a sync of a client brings, in the order it runs:
 * - `directory`: users, groups and memberships (and the collection rules they decide), then the tenant's
 *   enterprise applications and their SSO modes;
 * - `activity`: every user's `signInActivity` (last successful sign-in) — after the directory, so new users have it;
 * - `mfa`: MFA registration details (a few pages: before the log, which can take minutes under Graph's pace);
 * - `sign-ins`: the sign-in log of the users enabled for data collection.
 */
export type SyncPart = 'directory' | 'activity' | 'sign-ins' | 'mfa';
/** The parts of a sync, in the order they run. */
export const SYNC_PARTS: readonly SyncPart[] = ['directory', 'activity', 'mfa', 'sign-ins'];

/** Where a user's last activity was seen. */
export type ActivitySource = 'sign_in_log' | 'sign_in_activity';

/**
 * - `not_applicable`: only imported users expire.
 * - `activity_unknown`: the tenant gives no activity data (no P1/P2) — nobody expires.
 * - `reading_activity`: the tenant's activity has not been read yet — nobody expires until it has been, so whether
 *   the user is billable is not final.
 * - `active`: activity within the threshold.
 * - `new_without_activity`: imported less than N days ago and never seen active — not expired yet.
 * - `expired`: no activity in the last N days.
 */
export type ExpiryStatus =
  'not_applicable' | 'activity_unknown' | 'reading_activity' | 'active' | 'new_without_activity' | 'expired';

export type IneligibilityReason = 'guest' | 'deleted_in_entra' | 'excluded_group';

/**
 * What "billable" means in a preview: `current` once the initial import has started; before it, `projected` — who
 * would be billable when the import runs.
 */
export type BillableBasis = 'current' | 'projected';

/** `preferredSingleSignOnMode` as the reports show it: Graph's null and `notSupported` are both "none". */
export type SsoMode = 'saml' | 'oidc' | 'password' | 'none';

/**
 * Where a sign-in's application stands:
 * - `microsoft`: one of Microsoft's own services (Exchange, Teams, the portals…) — always Entra authentication, left
 *   out of SSO coverage;
 * - `entra_sso`: an enterprise application whose single sign-on mode is SAML or OpenID Connect;
 * - `other`: an enterprise application with password-based SSO or none;
 * - `unknown`: no service principal with that app id was read from the tenant (left out of the share, listed).
 */
export type AppClass = 'microsoft' | 'entra_sso' | 'other' | 'unknown';

/** Why a licensed user counts as *inactive but licensed* (src/domain/licence-cost.ts). */
export type InactiveReason = 'expired' | 'account_disabled' | 'never_signed_in';

/** A found user's states in an admin's words (cross-client search, issue 16). */
export type SearchUserState =
  | 'collected'
  | 'expired'
  | 'not imported'
  | 'disabled by an admin'
  | 'excluded'
  | 'deleted in Entra'
  | 'guest'
  | 'sign-in blocked';

export type SearchGroupState = 'active' | 'excluded' | 'deleted in Entra';

/** What the caller may do on a found user or group (the core decided, from their role and the row's state). */
export type SearchUserAction = 'open' | 'import' | 'disable';
export type SearchGroupAction = 'open' | 'members' | 'exclude' | 'report-on' | 'report-off';
