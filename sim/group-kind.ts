/**
 * Which groups a group may hold, by Microsoft's rules. Graph's "Add members"
 * (https://learn.microsoft.com/en-us/graph/api/group-post-members) tabulates them: a security group holds users,
 * security groups, devices, service principals and organizational contacts; a Microsoft 365 group holds users only;
 * a Microsoft 365 group is a member of no group. Distribution lists and mail-enabled security groups are Exchange's
 * (read-only through Graph); a distribution list holds mail-enabled recipients, so of groups only mail-enabled ones.
 */
export interface GroupKindFacts {
  readonly displayName: string;
  readonly groupTypes: readonly string[];
  readonly securityEnabled: boolean;
  readonly mailEnabled: boolean;
}

export function isMicrosoft365Group(group: Pick<GroupKindFacts, 'groupTypes'>): boolean {
  return group.groupTypes.includes('Unified');
}

/** Why `member` may not be a member of `container` (both groups), or undefined when it may. */
export function whyCannotHoldGroup(container: GroupKindFacts, member: GroupKindFacts): string | undefined {
  if (isMicrosoft365Group(container))
    return `${container.displayName} is a Microsoft 365 group: it holds users only`;
  if (isMicrosoft365Group(member))
    return `${member.displayName} is a Microsoft 365 group: it cannot be a member of another group`;
  if (container.securityEnabled && !member.securityEnabled)
    return `${container.displayName} is a security group: of groups it holds security groups only`;
  if (!container.securityEnabled && !member.mailEnabled)
    return `${container.displayName} is a distribution list: of groups it holds mail-enabled ones only`;
  return undefined;
}

export function canHoldGroup(container: GroupKindFacts, member: GroupKindFacts): boolean {
  return whyCannotHoldGroup(container, member) === undefined;
}
