import type {
  SearchGroupAction,
  SearchGroupState,
  SearchUserAction,
  SearchUserState,
} from '../domain/vocabulary.js';
import type { ClientRef } from './clients.js';

export interface SearchUserHit {
  readonly kind: 'user';
  readonly client: ClientRef;
  readonly id: string;
  readonly displayName: string | null;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  /** Every state that applies, most telling first (`guest`, `sign-in blocked` come with another). */
  readonly states: readonly SearchUserState[];
  readonly actions: readonly SearchUserAction[];
}

export interface SearchGroupHit {
  readonly kind: 'group';
  readonly client: ClientRef;
  readonly id: string;
  readonly displayName: string | null;
  readonly mail: string | null;
  readonly state: SearchGroupState;
  readonly reporting: boolean;
  readonly actions: readonly SearchGroupAction[];
}

/** Users and groups matching a text across every client the caller may see. */
export interface CrossClientSearchResult {
  readonly text: string;
  readonly users: readonly SearchUserHit[];
  readonly groups: readonly SearchGroupHit[];
  /** More matched than shown: the caller should type more. */
  readonly truncated: boolean;
  /** How many clients were searched. */
  readonly clientsSearched: number;
}
