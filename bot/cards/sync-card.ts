import { act, clientLabel, type CardClient } from './card-actions.js';
import {
  card,
  count,
  facts,
  heading,
  progressBar,
  subtle,
  text,
  type AdaptiveCard,
  type CardElement,
} from './card-kit.js';

/** Live progress of a directory sync, as the sync run publishes it. */
export interface SyncProgressView {
  readonly phase?: string;
  readonly pages?: number;
  readonly users?: number;
  readonly groups?: number;
  readonly requests?: number;
  readonly elapsedMs?: number;
}

export interface SyncResultView {
  readonly usersAdded: number;
  readonly usersUpdated: number;
  readonly usersRemoved: number;
  readonly groupsAdded: number;
  readonly groupsUpdated: number;
  readonly groupsRemoved: number;
  readonly graphRequests: number;
  readonly durationMs: number;
}

export interface SyncCardView {
  readonly client: CardClient;
  readonly state: 'running' | 'succeeded' | 'failed';
  /** The sync was already under way (scheduled, or asked for by someone else): this card follows it. */
  readonly joined: boolean;
  readonly progress: SyncProgressView;
  /** 0–1. */
  readonly fraction: number;
  readonly result?: SyncResultView;
  readonly error?: string;
}

const PHASES = ['users', 'groups', 'closure', 'organization'] as const;
/** Share of a sync's time each phase takes, roughly (users dominate, then groups). */
const PHASE_WEIGHT: Readonly<Record<(typeof PHASES)[number], number>> = {
  users: 0.6,
  groups: 0.3,
  closure: 0.07,
  organization: 0.03,
};

/**
 * How far a running sync is, from its phase and the items seen against what the last sync found (the first sync
 * has no such figure and moves by phase alone). Never reports 100 % before the run ends.
 */
export function syncFraction(
  progress: SyncProgressView,
  expected: { readonly users: number; readonly groups: number },
): number {
  const phase = PHASES.find((candidate) => candidate === progress.phase) ?? 'users';
  let done = 0;
  for (const candidate of PHASES) {
    if (candidate === phase) break;
    done += PHASE_WEIGHT[candidate];
  }
  const within =
    phase === 'users' && expected.users > 0
      ? (progress.users ?? 0) / expected.users
      : phase === 'groups' && expected.groups > 0
        ? (progress.groups ?? 0) / expected.groups
        : 0.5;
  return Math.min(0.99, done + PHASE_WEIGHT[phase] * Math.min(1, Math.max(0, within)));
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return '—';
  // A delta sync of the demo tenant takes some 40 ms: "0.0 s" read as if nothing ran (the tab says "44 ms" too).
  if (ms < 999.5) return `${String(Math.max(0, Math.round(ms)))} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

const phases: Readonly<Record<string, string>> = {
  users: 'reading users',
  groups: 'reading groups',
  closure: 'working out nested memberships',
  organization: 'reading the organisation',
};

function phaseText(phase: string | undefined): string {
  return phase === undefined ? 'starting' : (phases[phase] ?? 'reading');
}

/** The card `sync` posts and then updates in place while the run goes on, and once more when it ends. */
export function syncCard(view: SyncCardView): AdaptiveCard {
  const label = clientLabel(view.client);
  const body: CardElement[] = [];
  if (view.state === 'running') {
    body.push(heading(`Syncing ${label}…`, 'accent'));
    if (view.joined) body.push(subtle('A sync was already running; following it.'));
    body.push(progressBar(view.fraction, 'accent'));
    body.push(
      text(
        `${Math.round(view.fraction * 100)} % · ${phaseText(view.progress.phase)} · ${count(view.progress.users ?? 0)} users, ${count(view.progress.groups ?? 0)} groups read · ${seconds(view.progress.elapsedMs)}`,
        { size: 'small', isSubtle: true },
      ),
    );
    return card(body, [act('Status', 'status.show', { client: view.client.id })]);
  }
  if (view.state === 'succeeded') {
    body.push(heading(`${label} is synced`, 'good'), progressBar(1, 'good'));
    const result = view.result;
    if (result !== undefined) {
      body.push(
        facts([
          [
            'Users',
            `${count(result.usersAdded)} new · ${count(result.usersUpdated)} changed · ${count(result.usersRemoved)} removed`,
          ],
          [
            'Groups',
            `${count(result.groupsAdded)} new · ${count(result.groupsUpdated)} changed · ${count(result.groupsRemoved)} removed`,
          ],
          ['Took', seconds(result.durationMs)],
        ]),
      );
    }
  } else {
    body.push(heading(`The sync of ${label} failed`, 'attention'), progressBar(view.fraction, 'attention'));
    body.push(text(view.error ?? 'The sync failed.', { color: 'attention' }));
    body.push(subtle('The next scheduled sync tries again; you can also retry now.'));
  }
  return card(body, [
    act('Status', 'status.show', { client: view.client.id }),
    act(view.state === 'failed' ? 'Retry' : 'Sync again', 'sync.start', { client: view.client.id }),
  ]);
}
