import { GraphRequestError, NON_PREMIUM_TENANT_CODE } from '../graph/graph-errors.js';
import type { GraphUserSignInActivity } from '../graph/graph-types.js';
import { activityDataPaused, LICENCE_NOT_VERIFIED, LicenceCheck } from '../graph/licence-check.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import { REPORTS_PACE_KEY, type Pace } from '../graph/tenant-gate.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Checkpoint } from '../store/checkpoint-repository.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { Store } from '../store/store.js';
import type { SyncTrigger } from '../domain/vocabulary.js';
import type { RunContext, RunOutcome, SyncRunner } from './sync-runner.js';

const STREAM = 'sign_in_activity';
const firstPage = (top: number): string => `/users?$select=id,signInActivity&$top=${top}`;

export interface SignInActivitySyncOptions {
  readonly store: Store;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Spacing of signInActivity requests to one tenant (Graph allows about 10 per minute). Default 6 s. */
  readonly pace?: Pace;
  /** How long "no premium licence" is trusted before asking again. Default 24 h. */
  readonly recheckUnavailableAfterMs?: number;
  /** When a licence 403 is believed. Default: confirmed by another one an hour later (integrations table). */
  readonly licence?: LicenceCheck;
  /** Users per page. Default 500 (Graph's current cap with signInActivity; a lower cap Graph names is followed). */
  readonly pageSize?: number;
  /** Told when a client's activity has been read for the first time (the end of "reading activity…"). */
  readonly listener?: SignInActivityListener;
}

export interface SignInActivityListener {
  onActivityRead(clientId: string): Promise<void>;
}

/**
 * The separate, paced pass over `/users?$select=id,signInActivity` that writes each user's last successful sign-in
 * (`sign_in_activity_at`). It is slow by Graph's design (reports tier), so it resumes from its checkpoint page by
 * page; each page's users get their new activity — and so their expiry verdict (rule 8) — in the page's
 * transaction. It writes the users the directory copy holds, so it waits for the client's first directory sync.
 * The transaction of the last page of a complete pass also records the tenant's activity as read
 * (`activity_data = 'available'`): until then the client shows "reading activity…" and nobody expires, so no
 * figure has to be corrected once the activity is known.
 * A tenant without Entra ID P1/P2 answers 403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`: that
 * is recorded once as `activity_data = 'unavailable'` — the run still succeeds — and asked again a day later; a
 * licensed tenant refused once is not believed until the refusal is confirmed (src/graph/licence-check.ts).
 */
export class SignInActivitySync {
  private readonly options: SignInActivitySyncOptions;
  private readonly licence: LicenceCheck;

  constructor(options: SignInActivitySyncOptions) {
    this.options = options;
    this.licence = options.licence ?? new LicenceCheck({ memory: options.integrations });
  }

  async run(clientId: string, trigger: SyncTrigger = 'schedule'): Promise<RunOutcome> {
    return this.options.runner.run(clientId, 'sign_in_activity', trigger, (context) => this.work(context));
  }

  private async work(context: RunContext): Promise<void> {
    const { clientId } = context;
    const { integrations, clock, logger } = this.options;
    const integration = await integrations.find(clientId);
    if (integration === undefined) return;
    if (activityDataPaused(integration, clock.now(), this.options.recheckUnavailableAfterMs)) {
      return;
    }
    if (!(await this.directorySynced(clientId))) {
      await context.progress({ phase: 'signInActivity', skipped: 'waiting for the first directory sync' });
      return;
    }
    const graph = this.options.graphs.forIntegration(await integrations.credentials(clientId));
    const checkpoints = this.options.store.read.checkpoints;
    let checkpoint = await checkpoints.getOrInitial(clientId, STREAM);
    const resuming = checkpoint.nextLink !== null;
    const top = this.options.pageSize ?? 500;
    try {
      await this.pass(graph, context, checkpoint.nextLink ?? firstPage(top), checkpoint);
    } catch (error) {
      if (error instanceof GraphRequestError && error.graphCode === NON_PREMIUM_TENANT_CODE) {
        const wasUnavailable = integration.activityData === 'unavailable';
        if ((await this.licence.refused(clientId, wasUnavailable, clock.now())) === 'unconfirmed') {
          logger.info(
            { clientId, requestId: error.requestId },
            'licence refused once (the check is known to fail now and then): asking again on the next run',
          );
          await context.progress({
            phase: 'signInActivity',
            licence: 'refused once; checking again',
            skipped: LICENCE_NOT_VERIFIED,
          });
          return;
        }
        if (!wasUnavailable) {
          logger.info(
            { clientId, requestId: error.requestId },
            'tenant has no Entra ID P1/P2: no activity data',
          );
        }
        await integrations.recordActivityData(clientId, 'unavailable', clock.now());
        await checkpoints.save({ ...checkpoint, nextLink: null }, clock.now());
        return;
      }
      if (!(error instanceof GraphRequestError && error.httpStatus === 400)) throw error;
      // Graph has lowered the page size with signInActivity before (999 → 120 → 500): follow the cap it names.
      const cap = /between 1 and (\d+)/i.exec(error.graphMessage ?? '')?.[1];
      if (!resuming && cap === undefined) throw error;
      // Otherwise a saved page link expired (Directory_ExpiredPageToken): start the pass again.
      checkpoint = { ...checkpoint, nextLink: null };
      await this.pass(
        graph,
        context,
        firstPage(cap === undefined ? top : Math.min(top, Number(cap))),
        checkpoint,
      );
    }
    await this.licence.passed(clientId);
    if (integration.activityData !== 'available' && this.options.listener !== undefined) {
      try {
        await this.options.listener.onActivityRead(clientId);
      } catch (error) {
        logger.error({ clientId, err: error }, 'signInActivity listener failed');
      }
    }
  }

  private async directorySynced(clientId: string): Promise<boolean> {
    return (await this.options.store.read.syncRuns.latest(clientId, 'directory', 'succeeded')) !== undefined;
  }

  private async pass(
    graph: ReturnType<TenantGraphFactory['forIntegration']>,
    context: RunContext,
    link: string,
    start: Checkpoint,
  ): Promise<void> {
    const { store, clock } = this.options;
    let checkpoint = start;
    let users = 0;
    const pages = graph.pages<GraphUserSignInActivity>(link, {
      operation: 'users.signInActivity',
      tally: context.tally,
      urgent: () => context.urgent,
      pace: this.options.pace ?? { key: REPORTS_PACE_KEY, minIntervalMs: 6_000 },
      requiredPermissions: ['AuditLog.Read.All'],
      signal: context.signal,
    });
    for await (const page of pages) {
      const next: Checkpoint = {
        ...checkpoint,
        nextLink: page.nextLink ?? null,
        watermark: clock.now().toISOString(),
      };
      const written = await store.transaction(async (tx) => {
        const changed = await tx.directory.updateSignInActivity(
          context.clientId,
          page.value.map((user) => ({
            id: user.id,
            lastSuccessfulSignIn: user.signInActivity?.lastSuccessfulSignInDateTime ?? null,
          })),
        );
        await tx.checkpoints.save(next, clock.now());
        // The last page completes the pass: every user's activity is now read.
        if (page.nextLink === undefined)
          await tx.integrations.recordActivityData(context.clientId, 'available', clock.now());
        return changed;
      });
      checkpoint = next;
      users += page.value.length;
      context.counts.itemsWritten = (context.counts.itemsWritten ?? 0) + written;
      context.counts.pages = (context.counts.pages ?? 0) + 1;
      await context.progress({ phase: 'signInActivity', pages: context.counts.pages, users });
    }
  }
}
