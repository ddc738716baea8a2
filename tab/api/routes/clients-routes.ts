import { z } from 'zod/v4';
import type { Core } from '../../../src/composition/create-core.js';
import type { Actor } from '../../../src/services/actor.js';
import type { IntegrationView } from '../../../src/services/integration-service.js';
import type { ClientHeader, ClientOverview, ClientStatus } from '../../../src/contracts/clients.js';
import { empty, json, parse, type TabRoute } from '../tab-route.js';

const addClientBody = z.object({
  name: z.string({ error: 'is required' }),
  displayName: z.string().optional(),
});

const removeClientBody = z.object({
  confirm: z.string({ error: 'is required: repeat the client name to confirm' }),
});

const DAY_MS = 86_400_000;
/** A client secret this close to expiry is a problem to act on (rule 11 notifies at the same horizon). */
const SECRET_WARNING_DAYS = 30;

/**
 * The partner view: every client the caller may see, with its health (`/clients`, `/clients/:client/overview`);
 * one client's header for its screens (`/clients/:client`, cheap); add and remove clients.
 */
export function clientsRoutes(core: Core): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients',
      handle: async ({ actor }) => {
        const statuses = await core.status.list(actor);
        return json({ clients: await Promise.all(statuses.map((status) => overview(core, actor, status))) });
      },
    },
    {
      method: 'POST',
      path: '/clients',
      handle: async ({ actor, body }) => {
        const input = parse(addClientBody, body);
        const client = await core.clients.add(actor, {
          name: input.name,
          ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
        });
        return json({ id: client.id, name: client.name, displayName: client.display_name }, 201);
      },
    },
    {
      method: 'GET',
      path: '/clients/:client',
      handle: async ({ actor, params }) => json(await header(core, actor, params.client ?? '')),
    },
    {
      method: 'GET',
      path: '/clients/:client/overview',
      handle: async ({ actor, params }) => {
        const [status] = await core.status.list(actor, params.client ?? '');
        return json(status === undefined ? null : await overview(core, actor, status));
      },
    },
    {
      method: 'DELETE',
      path: '/clients/:client',
      handle: async ({ actor, params, body }) => {
        const { confirm } = parse(removeClientBody, body);
        await core.clients.remove(actor, params.client ?? '', confirm);
        return empty;
      },
    },
  ];
}

async function header(core: Core, actor: Actor, clientRef: string): Promise<ClientHeader> {
  const client = await core.clients.get(actor, clientRef);
  const integration = await core.integrations.get(actor, client.id);
  return {
    id: client.id,
    name: client.name,
    displayName: client.display_name,
    integration: integration?.status ?? 'not connected',
    tenantId: integration?.tenantId ?? null,
    organizationName: integration?.organizationName ?? null,
    activityData: integration?.activityData ?? null,
  };
}

async function overview(core: Core, actor: Actor, status: ClientStatus): Promise<ClientOverview> {
  const [integration, billing] = await Promise.all([
    core.integrations.get(actor, status.id),
    core.billing.summary(actor, status.id),
  ]);
  return {
    ...status,
    billable: billing.counts.billable,
    activityData: billing.activityData,
    importStartedAt: billing.importStartedAt,
    secretExpiresAt: integration?.secret.expiresAt ?? null,
    problems: problemsOf(status, integration, core.clock.now(), core.config.syncIntervalMinutes),
  };
}

/** What needs an admin's attention, in words, worst first. */
export function problemsOf(
  status: ClientStatus,
  integration: IntegrationView | null,
  now: Date,
  syncIntervalMinutes: number,
): string[] {
  if (integration === null) return ['Not connected to Entra ID'];
  const problems: string[] = [];
  if (integration.status === 'error')
    problems.push(integration.statusMessage ?? 'The connection check failed');
  const missing = integration.permissionChecks.filter(
    (check) => !check.passed && check.name.startsWith('Permission '),
  );
  for (const check of missing) problems.push(`Missing ${check.name.slice('Permission '.length)}`);
  if (integration.secret.expiresAt !== null) {
    const days = Math.floor((new Date(integration.secret.expiresAt).getTime() - now.getTime()) / DAY_MS);
    if (days < 0) problems.push('Client secret expired');
    else if (days <= SECRET_WARNING_DAYS)
      problems.push(`Client secret expires in ${days} day${days === 1 ? '' : 's'}`);
  }
  const last = status.lastSync;
  if (last?.status === 'failed')
    problems.push(`Last sync failed${last.error === null ? '' : `: ${last.error}`}`);
  if (last?.status === 'succeeded' && last.finishedAt !== null) {
    const hours = (now.getTime() - new Date(last.finishedAt).getTime()) / 3_600_000;
    if (hours * 60 > syncIntervalMinutes * 4 && hours >= 1)
      problems.push(`No sync for ${Math.floor(hours)} hours`);
  }
  if (integration.importStartedAt === null)
    problems.push('Initial import not started: review groups, then start it');
  return problems;
}
