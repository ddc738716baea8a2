/* The sign-in event's vocabulary, shared by the ingestion's mapper and the store's writers. */

/** Stored as the error code of a sign-in whose `status` carries none (its outcome is unknown). */
export const UNKNOWN_ERROR_CODE = -1;

/** One sign-in event as the store keeps it (mapped from Graph's `signIn`). */
export interface SignInRecord {
  readonly id: string;
  /** ISO-8601 UTC (`toISOString()` form). */
  readonly createdAt: string;
  readonly userId: string;
  readonly appId: string;
  readonly appDisplayName: string | null;
  /** `status.errorCode` was 0 (an event without an error code is not a success: its outcome is unknown). */
  readonly succeeded: boolean;
  /** `status.errorCode`; `UNKNOWN_ERROR_CODE` when Graph gave none. */
  readonly errorCode: number;
  readonly isInteractive: boolean;
  /** `singleFactorAuthentication` | `multiFactorAuthentication` from /beta; null when only v1.0 was read. */
  readonly authenticationRequirement: string | null;
  readonly conditionalAccessStatus: string | null;
  readonly clientAppUsed: string | null;
}

/** `authenticationRequirement` of a sign-in that asked for more than one factor, and of one that asked for one. */
export const MULTI_FACTOR = 'multiFactorAuthentication';
export const SINGLE_FACTOR = 'singleFactorAuthentication';
