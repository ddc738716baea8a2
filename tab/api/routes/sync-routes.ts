import type { Core } from '../../../src/composition/create-core.js';
import type { LastSyncSummary } from '../../../src/services/status-service.js';
import { json, type TabRoute } from '../tab-route.js';

/** A sync run as the tab's status bar shows it. */
interface SyncRunView {
  readonly kind: string;
  readonly trigger: string;
  readonly status: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly progress: Readonly<Record<string, unknown>>;
  readonly error: { readonly code: string | null; readonly message: string | null } | null;
}

/**
 * The client's directory sync: where it stands (polled by the status bar) and "sync now". Starting a sync needs the
 * operate right on the client — checked by the core's access policy, as the CLI's `sync` does.
 */
export function syncRoutes(core: Core): TabRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients/:client/sync',
      handle: async ({ actor, params }) => {
        const [status] = await core.status.list(actor, params.client ?? '');
        const last = status?.lastSync ?? null;
        const running = last?.status === 'running' ? toView(last) : null;
        return json({
          connected: status !== undefined && status.integration !== 'not connected',
          running,
          last: last === null || running !== null ? null : toView(last),
        });
      },
    },
    {
      method: 'POST',
      path: '/clients/:client/sync',
      handle: async ({ actor, params }) => {
        const client = await core.clients.get(actor, params.client ?? '');
        await core.access.assert(actor, 'client:operate', client.id);
        // The run records itself (running, then succeeded or failed); the status bar polls it.
        core.directorySync.run(client.id, { trigger: 'manual' }).catch((error: unknown) => {
          core.logger.error({ err: error, clientId: client.id }, 'manual sync from the tab failed to start');
        });
        return json({ started: true }, 202);
      },
    },
  ];
}

function toView(run: LastSyncSummary): SyncRunView {
  return {
    kind: run.kind,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    progress: {},
    error: run.error === null ? null : { code: null, message: run.error },
  };
}
