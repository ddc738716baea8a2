import { GraphRequestError, NON_PREMIUM_TENANT_CODE } from '../graph/graph-errors.js';
import { activityDataPaused, LICENCE_NOT_VERIFIED, LicenceCheck } from '../graph/licence-check.js';
import type { TenantGraph } from '../graph/tenant-graph.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import { REPORTS_PACE_KEY, type Pace } from '../graph/tenant-gate.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Checkpoint } from '../store/checkpoint-repository.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { SyncTrigger } from '../domain/vocabulary.js';
import type { SignInRecord } from '../store/sign-in-record.js';
import type { Store } from '../store/store.js';
import { toSignInRecord, type GraphSignIn } from './activity-mappers.js';
import type { RunContext, RunOutcome, SyncRunner } from './sync-runner.js';
import {
  compact,
  newer,
  readState,
  withoutRound,
  type SignInSource,
  type StreamState,
} from './sign-in-stream-state.js';
import { DAY_MS } from '../shared/clock.js';

/** The checkpoint stream of sign-in ingestion. */
export const SIGN_INS_STREAM = 'sign_ins';

/**
 * How far from a window's older edge an event may be read again by the next window (its bounds are whole seconds).
 * The log is filtered on `createdDateTime` (List signIns: https://learn.microsoft.com/en-us/graph/api/signin-list).
 */
const EDGE_MS = 2_000;

export type { SignInSource } from './sign-in-stream-state.js';

/** Told after every ingestion run that read sign-ins, e.g. to re-evaluate expiry with the new last activity. */
export interface SignInIngestionListener {
  onSignInsIngested(clientId: string): Promise<void>;
}

export interface SignInIngestionOptions {
  readonly store: Store;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Days sign-in events are kept (`config.signInRetentionDays`); older ones are pruned after each run. */
  readonly retentionDays: number;
  /** How far back each round starts before the watermark. Default 2 hours. */
  readonly overlapMs?: number;
  /** How far back the very first round reaches (Graph keeps 30 days with P1/P2). Default 30 days. */
  readonly initialLookbackDays?: number;
  /** Spacing of sign-in requests to one tenant (reports tier: about 5 per 10 s). Default 2 s on the reports key. */
  readonly pace?: Pace;
  /** Events per page (`$top`, at most 1000). Default 1000. */
  readonly pageSize?: number;
  /** Width of one `createdDateTime` window a round is read in. Default 1 day. */
  readonly windowMs?: number;
  /** How long "no premium licence" is trusted before Graph is asked again. Default 24 h. */
  readonly recheckUnavailableAfterMs?: number;
  /** When a licence 403 is believed. Default: confirmed by another one an hour later (integrations table). */
  readonly licence?: LicenceCheck;
  /** How long a tenant that refused /beta is read from v1.0 before /beta is tried again. Default 7 days. */
  readonly retryBetaAfterMs?: number;
  readonly listener?: SignInIngestionListener;
}

export interface RunSignInIngestionOptions {
  readonly trigger?: SyncTrigger;
  /** Live progress after each page (and at the end). */
  readonly onProgress?: (progress: Readonly<Record<string, unknown>>) => void;
}

/** A round that was resumed or started, as the run's progress shows it. */
interface RoundTotals {
  source: SignInSource;
  pages: number;
  inserted: number;
  duplicates: number;
  /** Events of users not enabled for data collection: read, not stored (rule 10). */
  notCollected: number;
}

/**
 * Reads each client's sign-in log (`/auditLogs/signIns`) into the store, incrementally and resumably.
 *
 * - A round reads the events since the watermark (the newest event time of the last complete round) minus an
 *   overlap window, in bounded `createdDateTime` windows of one day, newest window first — Microsoft advises
 *   bounded time ranges so a request cannot time out, and on a first 30-day pull the recent days appear first.
 *   Each page — its new events, every aggregate they change and the checkpoint (next link, window under way, or
 *   the new watermark after the last window) — is written in one transaction, so a process killed at any point
 *   resumes from the page after the last one committed, and nothing is counted twice: events are keyed by their
 *   sign-in id and only newly inserted ones reach the aggregates.
 * - No `$select`: List signIns supports only `$top`, `$skiptoken` and `$filter` and answers `$select` with a 400
 *   (https://learn.microsoft.com/en-us/graph/api/signin-list?view=graph-rest-beta); whole events are read and
 *   the mapper keeps what it needs.
 * - /beta is preferred because only it says whether a sign-in satisfied MFA (`authenticationRequirement`) and it
 *   returns non-interactive sign-ins when asked; a tenant that refuses /beta is read from v1.0 (interactive
 *   sign-ins, MFA unknown) and the choice is remembered in the checkpoint.
 * - Requests are paced for Graph's reports tier and pass the tenant's shared gate (Retry-After, concurrency).
 * - A tenant without Entra ID P1/P2 (403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`) is recorded once
 *   as `activity_data = 'unavailable'` with a single notice; the run succeeds, nobody expires, and Graph is not
 *   asked again for a day.
 */
export class SignInIngestion {
  private readonly options: SignInIngestionOptions;
  private readonly overlapMs: number;
  private readonly pace: Pace;
  private readonly licence: LicenceCheck;

  constructor(options: SignInIngestionOptions) {
    this.options = options;
    this.licence = options.licence ?? new LicenceCheck({ memory: options.integrations });
    // Entra writes sign-ins to the log minutes after they happen (Microsoft quotes 2–5 minutes, occasionally
    // much more), and not in time order: an event stamped before our watermark can appear after we read past it.
    // Re-reading a window before the watermark picks those late arrivals up; the ones already stored are ignored
    // by their id, so the overlap costs requests, never duplicates.
    this.overlapMs = options.overlapMs ?? 2 * 60 * 60 * 1000;
    this.pace = options.pace ?? { key: REPORTS_PACE_KEY, minIntervalMs: 2_000 };
  }

  /**
   * Runs (or joins) one ingestion run for the client. Never throws for a failed run: the outcome's row says
   * `failed` with the classified error; its `progress` holds the totals (pages, inserted, duplicates, source).
   */
  async run(clientId: string, options: RunSignInIngestionOptions = {}): Promise<RunOutcome> {
    return this.options.runner.run(
      clientId,
      'sign_ins',
      options.trigger ?? 'schedule',
      (context) => this.work(context),
      options.onProgress,
    );
  }

  private async work(context: RunContext): Promise<void> {
    const { clientId } = context;
    const { integrations, clock, logger, store } = this.options;
    const integration = await integrations.find(clientId);
    if (integration === undefined) return;
    if (activityDataPaused(integration, clock.now(), this.options.recheckUnavailableAfterMs)) {
      await context.progress({ phase: 'signIns', activityData: 'unavailable', skipped: true });
      return;
    }

    // Only users enabled for data collection have their sign-ins stored (rule 10), and nobody is before the initial
    // import: reading the log earlier would move the watermark past history that nobody could keep.
    if (!(await this.importStarted(clientId))) {
      await context.progress({ phase: 'signIns', skipped: 'waiting for the initial import' });
      return;
    }

    // Whatever a killed run left behind: last sign-ins not yet copied, rollups not yet rebuilt.
    await this.finishPending(clientId);

    const graph = this.options.graphs.forIntegration(await integrations.credentials(clientId));
    let totals: RoundTotals;
    try {
      totals = await this.ingest(context, graph);
    } catch (error) {
      if (error instanceof GraphRequestError && error.graphCode === NON_PREMIUM_TENANT_CODE) {
        const wasUnavailable = integration.activityData === 'unavailable';
        if ((await this.licence.refused(clientId, wasUnavailable, clock.now())) === 'unconfirmed') {
          logger.info(
            { clientId, requestId: error.requestId },
            'licence refused once (the check is known to fail now and then): asking again on the next run',
          );
          // Nothing was read: the run says so, and why (it is not a success of reading the log).
          await context.progress({
            phase: 'signIns',
            licence: 'refused once; checking again',
            skipped: LICENCE_NOT_VERIFIED,
          });
          return;
        }
        await this.recordUnavailable(clientId, !wasUnavailable, error.requestId);
        await context.progress({ phase: 'signIns', activityData: 'unavailable' });
        return;
      }
      throw error;
    }
    await this.licence.passed(clientId);

    const now = clock.now();
    await this.finishPending(clientId);
    const pruned = await store.read.signIns.pruneEvents(
      clientId,
      new Date(now.getTime() - this.options.retentionDays * DAY_MS).toISOString(),
    );
    // The tenant's activity counts as read only once its signInActivity pass is complete (it covers every user,
    // the log only its last 30 days): see SignInActivitySync. A tenant that had no P1/P2 has one again: its
    // activity is to be read anew ("reading activity…").
    if (integration.activityData === 'unavailable')
      await integrations.recordActivityData(clientId, 'unknown', now);
    if (await store.read.activityNotices.resolve(clientId, now)) {
      logger.info({ clientId }, 'sign-in data is available again');
    }
    await context.progress({ phase: 'signIns', activityData: 'available', ...totals, pruned });
    if (this.options.listener !== undefined) {
      try {
        await this.options.listener.onSignInsIngested(clientId);
      } catch (error) {
        logger.error({ clientId, err: error }, 'sign-in ingestion listener failed');
      }
    }
  }

  private async importStarted(clientId: string): Promise<boolean> {
    const facts = await this.options.store.read.integrationAdmin.collectionFacts(clientId);
    return (facts?.importStartedAt ?? null) !== null;
  }

  /**
   * Copies each user's newest successful sign-in to the directory users where it is newer (rule 8's last activity).
   * Idempotent and cheap: what a directory sync calls after adding users, whose sign-ins may have been read first.
   * @returns how many users changed.
   */
  async applyLastSignIns(clientId: string): Promise<number> {
    return this.options.store.read.signIns.applyLastSignIns(clientId);
  }

  /**
   * The end of a run (and, for what a killed run left, its start): last sign-ins copied, the report rollups of the
   * days touched rebuilt. Only inside a run — one per client at a time — since rollups assign new keys.
   */
  private async finishPending(clientId: string): Promise<void> {
    const { store, clock } = this.options;
    await store.read.signIns.applyLastSignIns(clientId);
    await store.read.reports.rebuildDirtyRollups(clientId, clock.now());
  }

  private async ingest(context: RunContext, graph: TenantGraph): Promise<RoundTotals> {
    const { clientId } = context;
    const { store, clock, logger } = this.options;
    const checkpoint = await store.read.checkpoints.getOrInitial(clientId, SIGN_INS_STREAM);
    const state = readState(checkpoint.state);

    if (state.roundSource !== undefined && state.roundFrom !== undefined && state.windowTo !== undefined) {
      try {
        return await this.round(context, graph, checkpoint, state, state.roundSource);
      } catch (error) {
        if (!(checkpoint.nextLink !== null && error instanceof GraphRequestError && error.httpStatus === 400))
          throw error;
        // A saved page link can expire: read the window under way again from its start (stored events are
        // ignored by id), then go on with the round.
        logger.info(
          { clientId, requestId: error.requestId },
          'saved sign-in page link refused; reading its window again',
        );
        const again = await store.read.checkpoints.getOrInitial(clientId, SIGN_INS_STREAM);
        const againState = readState(again.state);
        return this.round(
          context,
          graph,
          { ...again, nextLink: null },
          againState,
          againState.roundSource ?? state.roundSource,
        );
      }
    }

    const now = clock.now();
    const source = this.preferredSource(state, now);
    const roundStart = (from: SignInSource, extra: StreamState = {}): StreamState => ({
      ...state,
      ...extra,
      roundSource: from,
      roundNewest: undefined,
      roundFrom: new Date(this.roundFrom(checkpoint, now)).toISOString(),
      windowTo: now.toISOString(),
      roundTo: now.toISOString(),
    });
    const fresh: Checkpoint = { ...checkpoint, nextLink: null };
    try {
      return await this.round(context, graph, fresh, roundStart(source), source);
    } catch (error) {
      if (source !== 'beta' || !isBetaRefusal(error)) throw error;
      logger.info(
        { clientId, status: error.httpStatus, graphCode: error.graphCode },
        'tenant refused /beta sign-ins; reading v1.0 (interactive sign-ins, MFA per sign-in unknown)',
      );
      const refused = { source: 'v1.0' as const, betaRefusedAt: now.toISOString() };
      return this.round(context, graph, fresh, roundStart('v1.0', refused), 'v1.0');
    }
  }

  /**
   * Reads the round's windows from the one under way back to the round's start, each from its first page (or the
   * saved next link), committing each page with the checkpoint.
   */
  private async round(
    context: RunContext,
    graph: TenantGraph,
    start: Checkpoint,
    startState: StreamState,
    source: SignInSource,
  ): Promise<RoundTotals> {
    const { store, clock } = this.options;
    const totals: RoundTotals = { source, pages: 0, inserted: 0, duplicates: 0, notCollected: 0 };
    const windowMs = Math.max(60_000, this.options.windowMs ?? DAY_MS);
    let checkpoint = start;
    let state: StreamState = { ...startState, source, roundSource: source };
    const lastSuccess = await store.read.signIns.lastSuccessByUser(context.clientId);
    const roundFrom = Date.parse(state.roundFrom ?? '');
    // Windows meet on whole seconds, both bounds inclusive (nothing at an edge is missed), so the events of the
    // second at a window's older edge are read again by the next window. A kept event is stored once (its key); one
    // not collected is counted once: the ids seen at the edge, carried to the next window.
    let previousEdge = new Set<string>();
    let edge = new Set<string>();
    for (;;) {
      const windowTo = Date.parse(state.windowTo ?? '');
      const windowFrom = Math.max(roundFrom, windowTo - windowMs);
      const lastWindow = windowFrom <= roundFrom;
      // The newest window is open-ended: the tenant's log may hold events stamped after our clock's now.
      const newest = state.windowTo === state.roundTo;
      const link = checkpoint.nextLink ?? this.windowLink(source, windowFrom, newest ? undefined : windowTo);
      const pages = graph.pages<GraphSignIn>(link, {
        operation: 'signIns',
        tally: context.tally,
        urgent: () => context.urgent,
        pace: this.pace,
        version: source,
        requiredPermissions: ['AuditLog.Read.All', 'Directory.Read.All'],
        signal: context.signal,
      });
      let roundDone = false;
      let windowPages = 0;
      for await (const page of pages) {
        windowPages++;
        const records: SignInRecord[] = [];
        for (const item of page.value) {
          const record = toSignInRecord(item);
          if (record !== undefined) records.push(record);
        }
        let roundNewest = state.roundNewest;
        for (const record of records) {
          if (roundNewest === undefined || record.createdAt > roundNewest) roundNewest = record.createdAt;
        }
        const windowDone = page.nextLink === undefined;
        roundDone = windowDone && lastWindow;
        const next: StreamState = roundDone
          ? withoutRound(state)
          : windowDone
            ? { ...state, roundNewest, windowTo: new Date(windowFrom).toISOString() }
            : { ...state, roundNewest };
        const nextCheckpoint: Checkpoint = {
          ...checkpoint,
          nextLink: page.nextLink ?? null,
          watermark: roundDone ? newer(checkpoint.watermark, roundNewest) : checkpoint.watermark,
          state: compact(next),
        };
        // One transaction: the page's events, every aggregate they change and the checkpoint after them.
        const written = await store.transaction(async (tx) => {
          const result = await tx.signIns.writePage(context.clientId, records, lastSuccess);
          await tx.checkpoints.save(nextCheckpoint, clock.now());
          return result;
        });
        checkpoint = nextCheckpoint;
        state = next;
        totals.pages++;
        totals.inserted += written.inserted;
        totals.duplicates += written.duplicates;
        for (const event of written.notCollectedEvents) {
          if (!previousEdge.has(event.id)) totals.notCollected += 1;
          if (Date.parse(event.createdAt) < windowFrom + EDGE_MS) edge.add(event.id);
        }
        if (windowDone) {
          previousEdge = edge;
          edge = new Set();
        }
        context.counts.pages = (context.counts.pages ?? 0) + 1;
        context.counts.itemsWritten = (context.counts.itemsWritten ?? 0) + written.inserted;
        await context.progress({
          phase: 'signIns',
          ...totals,
          readBackTo: new Date(windowFrom).toISOString(),
        });
      }
      if (roundDone || windowPages === 0) return totals;
    }
  }

  private preferredSource(state: StreamState, now: Date): SignInSource {
    if (state.source !== 'v1.0' || state.betaRefusedAt === undefined) return 'beta';
    const retryAfter = this.options.retryBetaAfterMs ?? 7 * DAY_MS;
    return now.getTime() - Date.parse(state.betaRefusedAt) < retryAfter ? 'v1.0' : 'beta';
  }

  /** Where a new round starts: the watermark minus the overlap, or the initial lookback; never before retention. */
  private roundFrom(checkpoint: Checkpoint, now: Date): number {
    const retentionFloor = now.getTime() - this.options.retentionDays * DAY_MS;
    const lookbackFloor = now.getTime() - (this.options.initialLookbackDays ?? 30) * DAY_MS;
    return checkpoint.watermark === null
      ? Math.max(lookbackFloor, retentionFloor)
      : Math.max(Date.parse(checkpoint.watermark) - this.overlapMs, retentionFloor);
  }

  /**
   * The first page of one window. `ge`/`le` are what the signIn resource documents for `createdDateTime`
   * (https://learn.microsoft.com/en-us/graph/api/resources/signin); the windows share their boundary second, and
   * an event read twice is ignored by its id.
   */
  private windowLink(source: SignInSource, fromMs: number, toMs: number | undefined): string {
    let filter = `createdDateTime ge ${odataTime(fromMs)}`;
    if (toMs !== undefined) filter += ` and createdDateTime le ${odataTimeCeil(toMs)}`;
    // /beta returns interactive sign-ins only unless asked for the other kinds too; last activity counts both.
    if (source === 'beta') {
      filter += " and signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')";
    }
    const top = Math.min(1000, Math.max(1, this.options.pageSize ?? 1000));
    return `/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=${String(top)}`;
  }

  private async recordUnavailable(
    clientId: string,
    firstTime: boolean,
    requestId: string | undefined,
  ): Promise<void> {
    const { store, clock, integrations, logger } = this.options;
    const now = clock.now();
    await store.transaction(async (tx) => {
      const checkpoint = await tx.checkpoints.getOrInitial(clientId, SIGN_INS_STREAM);
      const state = readState(checkpoint.state);
      await tx.checkpoints.save({ ...checkpoint, nextLink: null, state: compact(withoutRound(state)) }, now);
      await tx.activityNotices.open(clientId, now);
    });
    await integrations.recordActivityData(clientId, 'unavailable', now);
    if (firstTime) {
      logger.info({ clientId, requestId }, 'tenant has no Entra ID P1/P2: no sign-in data, nobody expires');
    }
  }
}

/** /beta answered with something that says "not here" rather than "not now". */
function isBetaRefusal(error: unknown): error is GraphRequestError {
  return (
    error instanceof GraphRequestError &&
    error.graphCode !== NON_PREMIUM_TENANT_CODE &&
    [400, 403, 404, 501].includes(error.httpStatus)
  );
}

/** OData DateTimeOffset literal, to the second (rounded down, so a lower bound only ever widens). */
function odataTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The same, rounded up (so an upper bound only ever widens). */
function odataTimeCeil(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
