import type { GroupKind, GroupView } from '../contracts/groups.js';
import { type GroupCounts } from '../store/group-repository.js';
import type { DirectoryGroupRow } from '../store/schema.js';

/** A group as people see it: its kind from the group types, its flags and member counts. */
export function toGroupView(row: DirectoryGroupRow, counts: GroupCounts | undefined): GroupView {
  const types = parseTypes(row.group_types);
  const unified = types.includes('Unified');
  const kind: GroupKind = unified
    ? 'microsoft365'
    : row.mail_enabled === 1 && row.security_enabled === 1
      ? 'mail_enabled_security'
      : row.mail_enabled === 1
        ? 'distribution'
        : 'security';
  return {
    id: row.id,
    displayName: row.display_name,
    description: row.description,
    mail: row.mail,
    kind,
    dynamic: types.includes('DynamicMembership'),
    isTeam: row.is_team === 1,
    entraState: row.entra_state,
    excluded: row.excluded_at === null ? null : { at: row.excluded_at, by: row.excluded_by },
    reportingEnabled: row.reporting_enabled === 1,
    counts: counts ?? { directUsers: 0, directGroups: 0, transitiveUsers: 0 },
  };
}

function parseTypes(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
