/** The Graph payload shapes the core reads — only the properties it selects. */

/** `@removed` on a delta item: `changed` = soft-deleted (restorable), `deleted` = gone for good. */
export interface RemovedAnnotation {
  readonly reason: 'changed' | 'deleted' | (string & {});
}

export interface GraphUser {
  readonly id: string;
  readonly displayName?: string | null;
  readonly userPrincipalName?: string | null;
  readonly mail?: string | null;
  readonly userType?: string | null;
  readonly accountEnabled?: boolean | null;
  readonly department?: string | null;
  readonly jobTitle?: string | null;
  readonly createdDateTime?: string | null;
  readonly onPremisesSyncEnabled?: boolean | null;
  readonly '@removed'?: RemovedAnnotation;
}

/** A member reference inside `members@delta`. */
export interface GraphMemberRef {
  readonly '@odata.type'?: string;
  readonly id: string;
  readonly '@removed'?: RemovedAnnotation;
}

export interface GraphGroup {
  readonly id: string;
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly mail?: string | null;
  readonly mailEnabled?: boolean | null;
  readonly securityEnabled?: boolean | null;
  readonly groupTypes?: readonly string[] | null;
  readonly resourceProvisioningOptions?: readonly string[] | null;
  readonly 'members@delta'?: readonly GraphMemberRef[];
  readonly '@removed'?: RemovedAnnotation;
}

export interface GraphVerifiedDomain {
  readonly name: string;
  readonly isDefault?: boolean;
  readonly isInitial?: boolean;
}

export interface GraphOrganization {
  readonly id: string;
  readonly displayName?: string | null;
  readonly verifiedDomains?: readonly GraphVerifiedDomain[];
}

export interface GraphSignInActivity {
  readonly lastSignInDateTime?: string | null;
  readonly lastNonInteractiveSignInDateTime?: string | null;
  readonly lastSuccessfulSignInDateTime?: string | null;
}

export interface GraphUserSignInActivity {
  readonly id: string;
  readonly signInActivity?: GraphSignInActivity | null;
}

export interface GraphTeam {
  readonly id: string;
  readonly displayName?: string | null;
}

/** A collection response as Graph sends it. */
export interface GraphCollection<T> {
  readonly value: readonly T[];
  readonly '@odata.nextLink'?: string;
  readonly '@odata.deltaLink'?: string;
}

/**
 * One page of a collection or a delta round. A page carries `nextLink` while more follow; the last page of a delta
 * round carries `deltaLink` instead (the start of the next round).
 */
export interface GraphPage<T> {
  readonly value: readonly T[];
  readonly nextLink: string | undefined;
  readonly deltaLink: string | undefined;
}
