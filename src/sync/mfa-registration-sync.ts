import { GraphRequestError, NON_PREMIUM_TENANT_CODE } from '../graph/graph-errors.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import { REPORTS_PACE_KEY, type Pace } from '../graph/tenant-gate.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { Store } from '../store/store.js';
import type { SyncTrigger } from '../domain/vocabulary.js';
import { toMfaRegistrationRecord, type GraphRegistrationDetails } from './activity-mappers.js';
import { runSnapshotPass } from './snapshot-pass.js';
import type { RunOutcome, SyncRunner } from './sync-runner.js';
import { activityDataPaused } from '../graph/licence-check.js';

export interface MfaRegistrationSyncOptions {
  /** The engine's writes (each page with its checkpoint in one transaction). */
  readonly store: Store;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly runner: SyncRunner;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Spacing of requests to one tenant (reports tier). Default 2 s on the reports key. */
  readonly pace?: Pace;
  /** How long "no premium licence" is trusted before Graph is asked again. Default 24 h. */
  readonly recheckUnavailableAfterMs?: number;
}

/**
 * Copies each client's MFA registration details (`/reports/authenticationMethods/userRegistrationDetails`) into
 * `mfa_registrations`: the whole list each round, paced for the reports tier, resumable, with users gone since the
 * last round swept. Like the sign-in log it needs Entra ID P1/P2: a tenant recorded without it is not asked again
 * until the recheck interval has passed, and a 403 for that reason ends the run quietly (sign-in ingestion owns the
 * notice).
 */
export class MfaRegistrationSync {
  constructor(private readonly options: MfaRegistrationSyncOptions) {}

  async run(clientId: string, trigger: SyncTrigger = 'schedule'): Promise<RunOutcome> {
    const { store, clock, integrations, graphs, runner, logger } = this.options;
    return runner.run(clientId, 'mfa_registration', trigger, async (context) => {
      const integration = await integrations.find(clientId);
      if (integration === undefined) return;
      if (activityDataPaused(integration, clock.now(), this.options.recheckUnavailableAfterMs)) {
        await context.progress({ phase: 'mfa_registrations', activityData: 'unavailable', skipped: true });
        return;
      }
      const graph = graphs.forIntegration(await integrations.credentials(clientId));
      try {
        await runSnapshotPass<GraphRegistrationDetails>(
          {
            stream: 'mfa_registrations',
            // Microsoft documents only `$filter` and `$orderBy` here (no `$top`): the service's own page size.
            // https://learn.microsoft.com/en-us/graph/api/authenticationmethodsroot-list-userregistrationdetails
            firstLink: '/reports/authenticationMethods/userRegistrationDetails',
            operation: 'userRegistrationDetails',
            requiredPermissions: ['AuditLog.Read.All'],
            pace: this.options.pace ?? { key: REPORTS_PACE_KEY, minIntervalMs: 2_000 },
            writePage: async (tx, items, stamp) => {
              const records = items
                .filter((item) => typeof item.id === 'string')
                .map(toMfaRegistrationRecord);
              await tx.mfa.upsertPage(clientId, records, stamp);
              return records.length;
            },
            sweep: (tx, stamp) => tx.mfa.sweep(clientId, stamp),
          },
          context,
          graph,
          { store, clock },
        );
      } catch (error) {
        if (error instanceof GraphRequestError && error.graphCode === NON_PREMIUM_TENANT_CODE) {
          logger.info(
            { clientId, requestId: error.requestId },
            'no MFA registration data: the tenant has no P1/P2',
          );
          await context.progress({ phase: 'mfa_registrations', activityData: 'unavailable' });
          return;
        }
        throw error;
      }
    });
  }
}
