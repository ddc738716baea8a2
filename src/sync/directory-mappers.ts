import type { GraphGroup, GraphMemberRef, GraphUser } from '../graph/graph-types.js';
import type { Edge, GroupFacts, UserFacts } from '../domain/directory-facts.js';
import type { EntraState } from '../domain/vocabulary.js';

/** The user properties the sync selects from `/users/delta`. */
export const USER_SELECT = [
  'id',
  'displayName',
  'userPrincipalName',
  'mail',
  'userType',
  'accountEnabled',
  'department',
  'jobTitle',
  'createdDateTime',
  // true while synchronised from an on-premises Active Directory, whose account is then the one to block
  // (https://learn.microsoft.com/en-us/graph/api/resources/user, onPremisesSyncEnabled).
  'onPremisesSyncEnabled',
] as const;

/** The group properties the sync selects from `/groups/delta`; `members` brings `members@delta`. */
export const GROUP_SELECT = [
  'id',
  'displayName',
  'description',
  'mail',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'resourceProvisioningOptions',
  'members',
] as const;

/** A delta item, sorted: present with its facts, or removed with the state it leaves behind. */
export type DeltaItem<F> =
  | { readonly kind: 'present'; readonly facts: F }
  | { readonly kind: 'removed'; readonly id: string; readonly state: EntraState };

/** `@removed` reason `changed` is a soft delete (restorable for 30 days); anything else is gone for good. */
function removedState(reason: string): EntraState {
  return reason === 'changed' ? 'soft_deleted' : 'deleted';
}

export function toUserItem(user: GraphUser): DeltaItem<UserFacts> {
  const removed = user['@removed'];
  if (removed !== undefined) return { kind: 'removed', id: user.id, state: removedState(removed.reason) };
  // Only the properties the item carries, so a partial item leaves the others as stored.
  const facts: Record<string, unknown> = { id: user.id };
  if ('displayName' in user) facts.displayName = user.displayName ?? null;
  if ('userPrincipalName' in user) facts.userPrincipalName = user.userPrincipalName ?? null;
  if ('mail' in user) facts.mail = user.mail ?? null;
  if ('userType' in user) facts.userType = user.userType ?? null;
  if ('accountEnabled' in user) facts.accountEnabled = user.accountEnabled !== false;
  if ('department' in user) facts.department = user.department ?? null;
  if ('jobTitle' in user) facts.jobTitle = user.jobTitle ?? null;
  if ('createdDateTime' in user) facts.createdDateTime = user.createdDateTime ?? null;
  if ('onPremisesSyncEnabled' in user) facts.onPremisesSynced = user.onPremisesSyncEnabled === true;
  return { kind: 'present', facts: facts as unknown as UserFacts };
}

export function toGroupItem(group: GraphGroup): DeltaItem<GroupFacts> {
  const removed = group['@removed'];
  if (removed !== undefined) return { kind: 'removed', id: group.id, state: removedState(removed.reason) };
  const facts: Record<string, unknown> = { id: group.id };
  if ('displayName' in group) facts.displayName = group.displayName ?? null;
  if ('description' in group) facts.description = group.description ?? null;
  if ('mail' in group) facts.mail = group.mail ?? null;
  if ('mailEnabled' in group) facts.mailEnabled = group.mailEnabled === true;
  if ('securityEnabled' in group) facts.securityEnabled = group.securityEnabled === true;
  if ('groupTypes' in group) facts.groupTypes = group.groupTypes ?? [];
  if ('resourceProvisioningOptions' in group) {
    facts.isTeam = (group.resourceProvisioningOptions ?? []).includes('Team');
  }
  return { kind: 'present', facts: facts as unknown as GroupFacts };
}

/** `#microsoft.graph.user` → user; groups likewise; devices, contacts, service principals → other. */
export function memberType(ref: GraphMemberRef): Edge['memberType'] {
  const type = (ref['@odata.type'] ?? '').toLowerCase();
  if (type.endsWith('.user')) return 'user';
  if (type.endsWith('.group')) return 'group';
  return 'other';
}

/** The membership changes a group item carries: members added and members removed. */
export function memberChanges(group: GraphGroup): { added: Edge[]; removed: Edge[] } {
  const added: Edge[] = [];
  const removed: Edge[] = [];
  for (const ref of group['members@delta'] ?? []) {
    const edge: Edge = { groupId: group.id, memberId: ref.id, memberType: memberType(ref) };
    (ref['@removed'] === undefined ? added : removed).push(edge);
  }
  return { added, removed };
}
