/**
 * What a directory delta round reads from Entra, in the product's words: the facts of users and groups and the
 * direct membership edges. The sync's mappers produce them from Graph objects (src/sync/directory-mappers.ts); the
 * store writes them (src/store/directory-repository.ts).
 */

/** Entra facts of a user; a delta item may carry only some of them (the rest stay as stored). */
export interface UserFacts {
  readonly id: string;
  readonly displayName?: string | null;
  readonly userPrincipalName?: string | null;
  readonly mail?: string | null;
  readonly userType?: string | null;
  readonly accountEnabled?: boolean;
  readonly department?: string | null;
  readonly jobTitle?: string | null;
  readonly createdDateTime?: string | null;
  /**
   * Synchronised from an on-premises Active Directory (Graph's `onPremisesSyncEnabled` is true): its account is
   * mastered there, so sign-in is blocked there, not through Graph.
   */
  readonly onPremisesSynced?: boolean;
}

/** Entra facts of a group; partial like {@link UserFacts}. */
export interface GroupFacts {
  readonly id: string;
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly mail?: string | null;
  readonly mailEnabled?: boolean;
  readonly securityEnabled?: boolean;
  readonly groupTypes?: readonly string[];
  readonly isTeam?: boolean;
}

/** A direct membership edge. */
export interface Edge {
  readonly groupId: string;
  readonly memberId: string;
  readonly memberType: 'user' | 'group' | 'other';
}
