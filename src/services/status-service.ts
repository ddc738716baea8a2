import type { ClientHeader, ClientStatus, IntegrationHealth } from '../contracts/clients.js';
import { clientProblems } from '../domain/client-problems.js';
import type { Clock } from '../shared/clock.js';
import type { Store } from '../store/store.js';
import type { Actor } from './actor.js';
import type { BillingService } from './billing-service.js';
import type { ClientService } from './client-service.js';
import type { IntegrationService } from './integration-service.js';

export interface StatusServiceOptions {
  readonly store: Store;
  readonly clients: ClientService;
  readonly integrations: IntegrationService;
  readonly billing: BillingService;
  readonly clock: Clock;
  /** How often the schedule syncs each client: a client not synced for four intervals has a problem. */
  readonly syncIntervalMinutes: number;
}

/** Read-only status of the clients an actor may see: what the bot, the CLI and the tab show about each. */
export class StatusService {
  private readonly options: StatusServiceOptions;

  constructor(options: StatusServiceOptions) {
    this.options = options;
  }

  /** Every visible client, or just `clientRef` (name or id). @throws {NotFoundError} for an unknown/invisible client. */
  async list(actor: Actor, clientRef?: string): Promise<ClientStatus[]> {
    const { clients } = this.options;
    const visible =
      clientRef === undefined ? await clients.list(actor) : [await clients.get(actor, clientRef)];
    return Promise.all(visible.map((client) => this.statusOf(actor, client)));
  }

  /**
   * What every screen of a client shows on top — name, connection, organization — without counting anything.
   * @throws {NotFoundError} for an unknown/invisible client.
   */
  async header(actor: Actor, clientRef: string): Promise<ClientHeader> {
    const client = await this.options.clients.get(actor, clientRef);
    const integration = await this.options.integrations.get(actor, client.id);
    return {
      id: client.id,
      name: client.name,
      displayName: client.displayName,
      integration: integration?.status ?? 'not connected',
      tenantId: integration?.tenantId ?? null,
      organizationName: integration?.organizationName ?? null,
      activityData: integration?.activityData ?? null,
    };
  }

  private async statusOf(
    actor: Actor,
    client: { readonly id: string; readonly name: string; readonly displayName: string },
  ): Promise<ClientStatus> {
    const { store, integrations, billing, clock, syncIntervalMinutes } = this.options;
    const [integration, summary, held, lastRun] = await Promise.all([
      integrations.get(actor, client.id),
      billing.summary(actor, client.id),
      store.read.directoryCounts.held(client.id),
      store.read.syncRuns.latest(client.id, 'directory'),
    ]);
    const lastSync =
      lastRun === undefined
        ? null
        : {
            kind: lastRun.kind,
            trigger: lastRun.trigger,
            status: lastRun.status,
            startedAt: lastRun.startedAt,
            finishedAt: lastRun.finishedAt,
            error: lastRun.errorMessage,
            errorCode: lastRun.errorCode,
          };
    const health: IntegrationHealth = integration === null ? 'not connected' : integration.status;
    const problems = clientProblems(
      {
        integration:
          integration === null
            ? null
            : {
                failed: integration.status === 'error',
                statusMessage: integration.statusMessage,
                missingPermissions: integration.permissionChecks.flatMap((check) =>
                  !check.passed && check.permission !== undefined ? [check.permission] : [],
                ),
                secretExpiresAt: integration.secret.expiresAt,
                importStartedAt: integration.importStartedAt,
              },
        lastSync,
      },
      clock.now(),
      syncIntervalMinutes,
    );
    return {
      id: client.id,
      name: client.name,
      displayName: client.displayName,
      integration: health,
      tenantId: integration?.tenantId ?? null,
      organizationName: integration?.organizationName ?? null,
      users: held.users,
      groups: held.groups,
      lastSync,
      billable: summary.counts.billable,
      activityData: summary.activityData,
      importStartedAt: summary.importStartedAt,
      secretExpiresAt: integration?.secret.expiresAt ?? null,
      problems,
    };
  }
}
