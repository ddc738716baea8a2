import { isGuest } from './eligibility.js';
import type {
  CollectionState,
  DisableReason,
  EntraState,
  SearchGroupAction,
  SearchGroupState,
  SearchUserAction,
  SearchUserState,
} from './vocabulary.js';

/** What a found user's state and allowed actions depend on. */
export interface FoundUserFacts {
  readonly userType: string | null;
  readonly userPrincipalName: string | null;
  readonly accountEnabled: boolean;
  readonly entraState: EntraState;
  readonly collectionState: CollectionState;
  readonly disableReason: DisableReason | null;
  /** Rule 8 now. */
  readonly expired: boolean;
  /** A member, at any depth, of an excluded group (rule 3). */
  readonly inExcludedGroup: boolean;
}

/** Every state that applies to a found user, in an admin's words, the collection state first. */
export function userStates(user: FoundUserFacts): SearchUserState[] {
  const guest = isGuest(user);
  const states: SearchUserState[] = [];
  if (user.entraState !== 'active' || user.disableReason === 'deleted_in_entra')
    states.push('deleted in Entra');
  else if (user.disableReason === 'excluded_group' || (user.inExcludedGroup && !guest))
    states.push('excluded');
  else if (user.collectionState === 'disabled') states.push('disabled by an admin');
  else if (user.collectionState === 'imported') states.push(user.expired ? 'expired' : 'collected');
  else if (!guest) states.push('not imported');
  if (guest) states.push('guest');
  if (!user.accountEnabled && user.entraState === 'active') states.push('sign-in blocked');
  return states;
}

/**
 * What an admin may do on a found user: open it always; with the right to act on its client (client:operate),
 * import it where rule 4 allows (present, not a guest, not an excluded member, not collected already) and disable a
 * collected user (rule 5).
 */
export function userActions(user: FoundUserFacts, canOperate: boolean): SearchUserAction[] {
  const actions: SearchUserAction[] = ['open'];
  if (!canOperate) return actions;
  const eligible = user.entraState === 'active' && !isGuest(user) && !user.inExcludedGroup;
  if (user.collectionState !== 'imported' && eligible && user.disableReason !== 'excluded_group')
    actions.push('import');
  if (user.collectionState === 'imported') actions.push('disable');
  return actions;
}

export interface FoundGroupFacts {
  readonly entraState: EntraState;
  readonly excluded: boolean;
  readonly reporting: boolean;
}

export function groupState(group: FoundGroupFacts): SearchGroupState {
  if (group.entraState !== 'active') return 'deleted in Entra';
  return group.excluded ? 'excluded' : 'active';
}

/**
 * What an admin may do on a found group: open it and list its members always; with client:operate, exclude it
 * (rule 6, through its preview — never twice) and turn reporting on or off (rule 7).
 */
export function groupActions(group: FoundGroupFacts, canOperate: boolean): SearchGroupAction[] {
  const actions: SearchGroupAction[] = ['open', 'members'];
  if (!canOperate || group.entraState !== 'active') return actions;
  if (!group.excluded) actions.push('exclude');
  actions.push(group.reporting ? 'report-off' : 'report-on');
  return actions;
}
