import type { SyncRunView } from '../../src/contracts/sync.js';
import type { Logger } from '../../src/shared/logger.js';
import type { CardClient } from '../cards/card-actions.js';
import type { AdaptiveCard } from '../cards/card-kit.js';
import { syncCard, syncFraction, type SyncCardView, type SyncProgressView } from '../cards/sync-card.js';
import type { WorkflowContext } from './workflow-context.js';

/** Replaces the posted sync card (an `updateActivity` of the message that holds it). */
export type CardUpdater = (card: AdaptiveCard) => Promise<void>;

/** A sync started from the bot: the card to post now, and how to keep that card up to date once posted. */
export interface StartedSync {
  readonly card: AdaptiveCard;
  /** Hands over the updater once the card is posted; progress so far is shown at once. */
  follow(update: CardUpdater): void;
  /** Settles when the run has ended, the last card is shown and the notification checks have run. */
  readonly finished: Promise<void>;
}

export interface SyncWorkflowOptions {
  readonly logger: Logger;
  /** At most one card update per this many milliseconds while the run goes on. Default 1500. */
  readonly minUpdateIntervalMs?: number;
}

/**
 * `sync [client]` and the Sync buttons: starts (or joins) the client's sync — the core's one sync use case — and
 * follows its directory run on one card, updated in place with a progress bar while the run goes on, and a last
 * time with the result (the rest of the sync goes on after it). A failed run is handed to the notification checks
 * (a successful one is, by the core, whoever started it). Needs the operate right on the client.
 * @throws {NotFoundError} {@link ForbiddenError}; {@link ConflictError} `not_connected` for a client without
 * integration.
 */
export async function startSync(
  context: WorkflowContext,
  client: CardClient,
  options: SyncWorkflowOptions,
): Promise<StartedSync> {
  const { core, actor } = context;
  let latest: SyncProgressView = {};
  let schedule = (): void => undefined;
  let directoryEnded: (ended: { run: SyncRunView; joined: boolean } | undefined) => void = () => undefined;
  const directory = new Promise<{ run: SyncRunView; joined: boolean } | undefined>((resolve) => {
    directoryEnded = resolve;
  });
  const started = await core.sync.start(actor, client.id, {
    onProgress: (part, progress) => {
      if (part !== 'directory') return;
      latest = toProgressView(progress);
      schedule();
    },
    onDirectoryEnded: (run, joined) => {
      directoryEnded({ run, joined });
    },
  });
  // A sync that ends without a directory run (the process is stopping) ends the card too.
  started.finished.then(
    () => {
      directoryEnded(undefined);
    },
    () => {
      directoryEnded(undefined);
    },
  );
  const expected = started.held;
  const joined = started.joined;
  const minInterval = options.minUpdateIntervalMs ?? 1500;
  const view = (progress: SyncProgressView): SyncCardView => ({
    client,
    state: 'running',
    joined,
    progress,
    fraction: syncFraction(progress, expected),
  });

  let updater: CardUpdater | undefined;
  let lastSentAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  let final: AdaptiveCard | undefined;
  let succeeded = false;
  let chain: Promise<void> = Promise.resolve();
  const push = (card: AdaptiveCard): void => {
    const send = updater;
    if (send === undefined) return;
    lastSentAt = Date.now();
    chain = chain
      .then(() => send(card))
      .catch((error: unknown) => {
        options.logger.warn({ err: error, clientId: client.id }, 'could not update the sync card');
      });
  };
  schedule = (): void => {
    if (updater === undefined || ended || timer !== undefined) return;
    const wait = lastSentAt + minInterval - Date.now();
    if (wait <= 0) {
      push(syncCard(view(latest)));
      return;
    }
    timer = setTimeout(() => {
      timer = undefined;
      if (!ended) push(syncCard(view(latest)));
    }, wait);
    timer.unref();
  };

  started.finished.catch((error: unknown) => {
    options.logger.error({ err: error, clientId: client.id }, 'sync from the bot failed to run');
  });
  const finished = directory
    .then((ended) => {
      if (ended === undefined) {
        return syncCard({
          ...view(latest),
          state: 'failed',
          error: 'The sync could not be started; try again later.',
        });
      }
      succeeded = ended.run.status === 'succeeded';
      return finalCard(client, ended.run, ended.joined || joined, latest, expected);
    })
    .then(async (card) => {
      ended = true;
      final = card;
      if (timer !== undefined) clearTimeout(timer);
      push(card);
      await chain;
      // The core checks after every successful sync; a failure from here opens (or continues) an incident.
      if (!succeeded) await core.notifications.checkClient(client.id);
    });
  return {
    card: syncCard(view(latest)),
    follow: (update) => {
      updater = update;
      // The posted card already shows the start: the first update waits a full interval.
      lastSentAt = Date.now();
      if (final !== undefined) push(final);
      else schedule();
    },
    finished,
  };
}

function finalCard(
  client: CardClient,
  run: SyncRunView,
  joined: boolean,
  latest: SyncProgressView,
  expected: { readonly users: number; readonly groups: number },
): AdaptiveCard {
  const durationMs =
    run.finishedAt === null
      ? 0
      : Math.max(0, new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime());
  if (run.status === 'succeeded') {
    return syncCard({
      client,
      state: 'succeeded',
      joined,
      progress: latest,
      fraction: 1,
      result: {
        ...run.counts,
        durationMs,
      },
    });
  }
  return syncCard({
    client,
    state: 'failed',
    joined,
    progress: latest,
    fraction: syncFraction(latest, expected),
    error: run.error?.message ?? 'The sync failed.',
  });
}

function toProgressView(progress: Readonly<Record<string, unknown>>): SyncProgressView {
  const number = (key: string): number | undefined => {
    const value = progress[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  };
  const phase = progress.phase;
  const view: Record<string, unknown> = {};
  if (typeof phase === 'string') view.phase = phase;
  for (const key of ['pages', 'users', 'groups', 'requests', 'elapsedMs'] as const) {
    const value = number(key);
    if (value !== undefined) view[key] = value;
  }
  return view;
}
