import type { GroupKind, GroupView } from '../contracts/groups.js';
import type { GroupCounts, GroupRecord } from '../store/group-repository.js';

/** A group as people see it: its kind from the group types, its flags and member counts. */
export function toGroupView(group: GroupRecord, counts: GroupCounts | undefined): GroupView {
  const unified = group.groupTypes.includes('Unified');
  const kind: GroupKind = unified
    ? 'microsoft365'
    : group.mailEnabled && group.securityEnabled
      ? 'mail_enabled_security'
      : group.mailEnabled
        ? 'distribution'
        : 'security';
  return {
    id: group.id,
    displayName: group.displayName,
    description: group.description,
    mail: group.mail,
    kind,
    dynamic: group.groupTypes.includes('DynamicMembership'),
    isTeam: group.isTeam,
    entraState: group.entraState,
    excluded: group.excludedAt === null ? null : { at: group.excludedAt, by: group.excludedBy },
    reportingEnabled: group.reportingEnabled,
    counts: counts ?? { directUsers: 0, directGroups: 0, transitiveUsers: 0 },
  };
}
