import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import type { SyncRunRecord } from '../store/sync-run-repository.js';
import { SYNC_PARTS, type SyncKind, type SyncPart, type SyncTrigger } from '../domain/vocabulary.js';
import type { DirectorySync } from './directory-sync.js';
import type { LicenceSync } from './licence-sync.js';
import type { MfaRegistrationSync } from './mfa-registration-sync.js';
import type { ServicePrincipalSync } from './service-principal-sync.js';
import type { SignInActivitySync } from './sign-in-activity-sync.js';
import type { SignInIngestion } from './sign-in-ingestion.js';
import type { RunOutcome, SyncRunner } from './sync-runner.js';

/** One run a client sync made (or joined), per part. */
export interface PartRun {
  readonly part: SyncPart;
  readonly kind: SyncKind;
  readonly run: SyncRunRecord;
  readonly joined: boolean;
}

export interface ClientSyncOutcome {
  readonly clientId: string;
  readonly parts: readonly SyncPart[];
  /** Every run, in the order they ran. */
  readonly runs: readonly PartRun[];
  /** Every run succeeded. */
  readonly succeeded: boolean;
}

/**
 * Told after every client sync that ran to its end, whoever started it (schedule, bot, tab, CLI, the demo), once all
 * its parts are in: the directory, activity, MFA registrations and sign-ins; and, before that, after each of its parts
 * whose runs all succeeded — a first sync's sign-in history takes minutes to read after the rest is in. Not told when
 * the sync was cut short (shutdown, takeover). A listener that throws is logged; the sync's outcome stays as it was.
 */
export interface ClientSyncListener {
  onClientSynced(outcome: ClientSyncOutcome): Promise<void>;
  /** After one part whose runs (at least one) all succeeded, while the sync goes on. */
  onPartSynced?(clientId: string, part: SyncPart): Promise<void>;
}

export interface ClientSyncOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The runs' runner: once it is aborted (the process is stopping), no further part starts. */
  readonly runner: SyncRunner;
  readonly directory: DirectorySync;
  readonly activity: SignInActivitySync;
  readonly signIns: SignInIngestion;
  readonly mfa: MfaRegistrationSync;
  readonly servicePrincipals: ServicePrincipalSync;
  /** Subscriptions and users' licences, read with the directory (at the slow kinds' cadence). */
  readonly licences?: LicenceSync;
}

export interface RunClientSyncOptions {
  /** The parts to run (default: all, in their order). */
  readonly parts?: readonly SyncPart[];
  readonly trigger?: SyncTrigger;
  /**
   * Runs the slow, paced kinds (signInActivity, MFA registration, enterprise applications) only when their last
   * successful run is older than this — the schedule's cadence. Default: always. A kind that never succeeded is due.
   */
  readonly slowKindsEveryMinutes?: number;
  /**
   * Goes on with a sync that was cut short (ISO 8601 time it started): the kinds that succeeded since are done and
   * not run again; the kind cut short resumes from its checkpoint. The scheduler's takeover of a dead instance's job.
   */
  readonly resumingSince?: string;
  /**
   * Aborted when this sync must stop where it is: its scheduler learnt that another instance took the client over
   * (this one was presumed dead). No further part starts; the part under way stops at its next write (its run was
   * closed by the takeover: see SyncRunner's fence).
   */
  readonly signal?: AbortSignal;
  /** Live progress of each run, with its part. */
  readonly onProgress?: (part: SyncPart, progress: Readonly<Record<string, unknown>>) => void;
  /** Each run as it ends, before the next part starts (the bot's card shows the directory's as soon as it is done). */
  readonly onRunEnded?: (run: PartRun) => void;
}

/**
 * Everything a sync of one client means, in the order that keeps the rules right: the directory first (its
 * transaction applies the collection rules), then the activity of the users it holds, MFA registration, then the
 * sign-ins of the users enabled for collection. The scheduler, the CLI's `sync`, the tab's and the bot's
 * "sync now" all run this; each part is a recorded run that joins one already under way.
 */
export class ClientSync {
  private readonly options: ClientSyncOptions;
  private readonly listeners: ClientSyncListener[] = [];

  constructor(options: ClientSyncOptions) {
    this.options = options;
  }

  addListener(listener: ClientSyncListener): void {
    this.listeners.push(listener);
  }

  async run(clientId: string, options: RunClientSyncOptions = {}): Promise<ClientSyncOutcome> {
    const wanted = new Set(options.parts ?? SYNC_PARTS);
    const parts = SYNC_PARTS.filter((part) => wanted.has(part));
    const trigger = options.trigger ?? 'manual';
    const runs: PartRun[] = [];
    const done =
      options.resumingSince === undefined
        ? new Set<SyncKind>()
        : await this.succeededSince(clientId, options.resumingSince);
    const due = async (kind: SyncKind): Promise<boolean> =>
      !done.has(kind) &&
      (options.slowKindsEveryMinutes === undefined ||
        (await this.lastSucceededMinutesAgo(clientId, kind)) >= options.slowKindsEveryMinutes);
    const record = (part: SyncPart, kind: SyncKind, outcome: RunOutcome): void => {
      const entry = { part, kind, run: outcome.run, joined: outcome.joined };
      runs.push(entry);
      options.onRunEnded?.(entry);
    };
    const progress = (part: SyncPart) =>
      options.onProgress === undefined
        ? undefined
        : (update: Readonly<Record<string, unknown>>) => {
            options.onProgress?.(part, update);
          };

    // The process is stopping (or this sync was taken over): the run under way was interrupted at its checkpoint.
    const stopped = (): boolean => this.options.runner.aborted || options.signal?.aborted === true;
    for (const part of parts) {
      // The rest waits for next time.
      if (stopped()) break;
      const before = runs.length;
      switch (part) {
        case 'directory': {
          const onProgress = progress(part);
          if (!done.has('directory')) {
            record(
              part,
              'directory',
              await this.options.directory.run(clientId, {
                trigger,
                ...(onProgress === undefined ? {} : { onProgress }),
                ...(options.signal === undefined ? {} : { signal: options.signal }),
              }),
            );
          }
          if (await due('service_principals')) {
            record(part, 'service_principals', await this.options.servicePrincipals.run(clientId, trigger));
          }
          if (this.options.licences !== undefined && (await due('licences'))) {
            record(part, 'licences', await this.options.licences.run(clientId, trigger));
          }
          break;
        }
        case 'activity':
          // Until the tenant's activity has been read, every sync tries: the client shows "reading activity…".
          if (
            !done.has('sign_in_activity') &&
            (!(await this.activityRead(clientId)) || (await due('sign_in_activity')))
          ) {
            record(part, 'sign_in_activity', await this.options.activity.run(clientId, trigger));
          }
          break;
        case 'sign-ins': {
          if (done.has('sign_ins')) break;
          const onProgress = progress(part);
          record(
            part,
            'sign_ins',
            await this.options.signIns.run(clientId, {
              trigger,
              ...(onProgress === undefined ? {} : { onProgress }),
            }),
          );
          break;
        }
        case 'mfa':
          if (await due('mfa_registration')) {
            record(part, 'mfa_registration', await this.options.mfa.run(clientId, trigger));
          }
          break;
      }
      const ran = runs.slice(before);
      if (ran.length > 0 && ran.every((entry) => entry.run.status === 'succeeded') && !stopped())
        await this.tellPart(clientId, part);
    }
    const outcome = {
      clientId,
      parts,
      runs,
      succeeded: runs.every((entry) => entry.run.status === 'succeeded'),
    };
    if (!stopped()) await this.tell(outcome);
    return outcome;
  }

  private async tellPart(clientId: string, part: SyncPart): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.onPartSynced?.(clientId, part);
      } catch (error) {
        this.options.logger.error({ err: error, clientId, part }, 'client sync listener failed');
      }
    }
  }

  private async tell(outcome: ClientSyncOutcome): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.onClientSynced(outcome);
      } catch (error) {
        this.options.logger.error({ err: error, clientId: outcome.clientId }, 'client sync listener failed');
      }
    }
  }

  private async activityRead(clientId: string): Promise<boolean> {
    const facts = await this.options.store.read.integrationAdmin.collectionFacts(clientId);
    return facts?.activityData === 'available';
  }

  /** The kinds with a run for the client that succeeded (finished) at or after `since`. */
  private async succeededSince(clientId: string, since: string): Promise<Set<SyncKind>> {
    return this.options.store.read.syncRuns.kindsSucceededSince(clientId, since);
  }

  /** Minutes since the last successful run of the kind started; infinite when it never succeeded. */
  private async lastSucceededMinutesAgo(clientId: string, kind: SyncKind): Promise<number> {
    const row = await this.options.store.read.syncRuns.latest(clientId, kind, 'succeeded');
    if (row === undefined) return Number.POSITIVE_INFINITY;
    return (this.options.clock.now().getTime() - Date.parse(row.startedAt)) / 60_000;
  }
}
