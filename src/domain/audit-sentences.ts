import { ROLE_WORDS } from './roles.js';
import type { RoleName } from './vocabulary.js';

/**
 * An audit entry as a sentence an admin reads ("Megan Partner disabled Adele Cho"), from its action, who did it and
 * the names of what it was done to. Pure: the names are looked up by the audit service; the raw change stays
 * available next to the sentence.
 */
export interface AuditSentenceInput {
  readonly action: string;
  /** The person (or "The scheduler", "An operator") who did it. */
  readonly actorName: string | null;
  readonly targetType: string | null;
  /** The target's name (user, group, client), when known. */
  readonly targetName: string | null;
  readonly clientName: string | null;
  /** The recorded change: before (a role taken away names it here) and after. */
  readonly before?: unknown;
  readonly after: unknown;
}

/** What each action does, as a verb phrase; `{target}` is the target's name, `{client}` the client's. */
const PHRASES: Readonly<Record<string, string>> = {
  'user.import': 'imported {target}',
  'user.disable': 'disabled {target}',
  'user.block_sign_in': 'blocked sign-in of {target}',
  'user.unblock_sign_in': 'allowed sign-in of {target} again',
  'user.revoke_sessions': 'signed {target} out of every session',
  'user.remove_licences': 'removed the licences of {target}',
  'user.restore_licences': 'gave {target} back the licences removed',
  'group.exclude': 'excluded group {target}',
  'group.report_import': 'imported group {target} for reporting',
  'group.report_undo': 'stopped reporting on group {target}',
  'client.add': 'added client {client}',
  'client.remove': 'removed client {client}',
  'client.expiry_threshold': 'changed how many days without activity expire a user of {client}',
  'integration.connect': 'connected {client} to its Entra tenant',
  'integration.consent_start': 'started connecting {client} by admin consent',
  'integration.consent_link_created': 'copied a consent link for the admin of {client}',
  'integration.consent_link_revoked': 'withdrew the consent links of {client}',
  'integration.consent_cancelled': 'cancelled the admin consent of {client}',
  'integration.consent_declined': 'saw the admin consent of {client} declined',
  'integration.consent_refused': 'had a consent for another tenant refused for {client}',
  'integration.remove': 'removed the Entra connection of {client}',
  'integration.rotate_secret': 'replaced the client secret of {client}',
  'integration.start_import': 'started the initial import of {client}',
  'integration.test': 'tested the connection of {client}',
  'licence.set_prices': 'set the licence prices of {client}',
  'collection.reconcile': 'applied the collection rules to {client}',
  'role.assign': 'gave {target} {role}',
  'role.revoke': 'took {role} from {target}',
  'tab.add': 'added the {client} tab to a channel',
  'tab.remove': 'removed the {client} tab from a channel',
  'notifications.on': 'turned notifications on for {client}',
  'notifications.off': 'turned notifications off for {client}',
  'alert.acknowledged': 'acknowledged an alert of {client}',
  'alerts.settings_changed': 'changed the alert settings of {client}',
  'alerts.webhook_added': 'added a webhook for the alerts of {client}',
  'alerts.webhook_removed': 'removed a webhook for the alerts of {client}',
  'alerts.destination_refused': "kept an alert of {client} out of a chat that is not the client's",
};

/** Whether the action has its own sentence (others fall back to "made a change (…)"). */
export function hasAuditSentence(action: string): boolean {
  return Object.hasOwn(PHRASES, action);
}

/** "Megan Partner disabled Adele Cho." */
export function auditSentence(entry: AuditSentenceInput): string {
  // A name or a sign-in name is shown as it is spelt (never re-capitalised).
  const who = entry.actorName ?? 'Someone';
  const target =
    entry.targetName ??
    principalNameOf(entry.after) ??
    (entry.targetType === null
      ? 'something'
      : `a ${entry.targetType === 'principal' ? 'person' : entry.targetType}`);
  const client = entry.clientName ?? 'a client';
  const phrase = PHRASES[entry.action] ?? `made a change (${entry.action.replace(/[._]/g, ' ')}) to {target}`;
  const outcome = outcomeOf(entry.after);
  const role = roleOf(entry.after) ?? roleOf(entry.before);
  return `${who} ${phrase
    .replace('{target}', target)
    .replace('{client}', client)
    .replace('{role}', role === undefined ? 'a role' : `the ${ROLE_WORDS[role]} role`)}${outcome}.`;
}

/** The role a role change recorded (`{ role: 'client_admin' }`), when it is one. */
function roleOf(change: unknown): RoleName | undefined {
  if (change === null || typeof change !== 'object') return undefined;
  const { role } = change as { role?: unknown };
  return typeof role === 'string' && Object.hasOwn(ROLE_WORDS, role) ? (role as RoleName) : undefined;
}

/** The sign-in name a role given was recorded with, when the admin typed one. */
function principalNameOf(change: unknown): string | undefined {
  if (change === null || typeof change !== 'object') return undefined;
  const { principalName } = change as { principalName?: unknown };
  return typeof principalName === 'string' && principalName !== '' ? principalName : undefined;
}

/** A failed or refused action says so ("… — it failed"). */
function outcomeOf(after: unknown): string {
  if (after === null || typeof after !== 'object') return '';
  const outcome = (after as { outcome?: unknown }).outcome;
  if (outcome === 'failed') return ' — it failed';
  if (outcome === 'refused' || outcome === 'not_applicable') return ' — it did not apply';
  return '';
}
