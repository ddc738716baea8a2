import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import { runDoctor, type DoctorFinding, type DoctorReport } from '../graph/graph-doctor.js';
import type { Clock } from '../shared/clock.js';
import type { IntegrationRepository } from '../store/integration-repository.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';

export type { DoctorFinding, DoctorReport };

export interface DoctorServiceOptions {
  readonly clientAccess: ClientAccess;
  readonly graphs: TenantGraphFactory;
  readonly integrations: IntegrationRepository;
  readonly clock: Clock;
}

/**
 * The operator's `doctor` use case: every kind of Graph request the product makes, sent once to one client's tenant
 * (read-only), each answered OK or with Microsoft's refusal and its fix (graph-doctor.ts). Needs the right to
 * configure the client, as connecting it does.
 */
export class DoctorService {
  private readonly options: DoctorServiceOptions;

  constructor(options: DoctorServiceOptions) {
    this.options = options;
  }

  /** @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}; `not_connected` without credentials. */
  async check(
    actor: Actor,
    clientRef: string,
    options: { readonly recordDir?: string | undefined } = {},
  ): Promise<{
    readonly client: { readonly id: string; readonly name: string };
    readonly report: DoctorReport;
  }> {
    const { clientAccess, graphs, integrations, clock } = this.options;
    const client = await clientAccess.resolve(actor, clientRef, 'client:configure');
    const graph = graphs.create(await integrations.credentials(client.id));
    const report = await runDoctor(graph, { now: clock.now(), recordDir: options.recordDir });
    return { client: { id: client.id, name: client.name }, report };
  }
}
