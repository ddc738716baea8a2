import type { CollectionState, EntraState } from './vocabulary.js';
import { isGuest } from './eligibility.js';

/** What billing looks at for one user. */
export interface BillableFacts {
  readonly collectionState: CollectionState;
  readonly userType: string | null;
  readonly userPrincipalName: string | null;
  readonly entraState: EntraState;
  readonly accountEnabled: boolean;
  readonly inExcludedGroup: boolean;
  readonly expired: boolean;
}

/** Rule 9: imported ∧ eligible ∧ ¬expired ∧ account enabled in Entra. Guests are never billable. */
export function isBillable(facts: BillableFacts): boolean {
  return (
    facts.collectionState === 'imported' &&
    facts.entraState === 'active' &&
    !isGuest(facts) &&
    !facts.inExcludedGroup &&
    !facts.expired &&
    facts.accountEnabled
  );
}
