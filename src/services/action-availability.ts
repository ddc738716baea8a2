/**
 * Action availability: which optional Graph permissions for acting on users the client's tenant granted (it changes
 * with how Microsoft hands out application permissions), read from a fresh app-only token, with how to grant each.
 */
import { ACTION_PERMISSIONS } from '../graph/action-permissions.js';
import type { TenantGraphFactory } from '../graph/tenant-graph-factory.js';
import type { Repositories } from '../store/store.js';
import type { UserActionAvailability } from '../contracts/licences.js';

/**
 * The one wording of "this action cannot be done here yet" with why and how to grant the permission (the detail of
 * {@link readActionAvailability}): the preview carries it for every edge (CLI, bot card, tab), and the core refuses a
 * confirm with it.
 */
export function notAvailableNotice(detail: string): string {
  return `Not available for this client yet. ${detail}`;
}

/**
 * Each optional action (block sign-in, revoke sessions, remove licences) with whether the tenant allows it: from the
 * token's `roles` claim, or the app's role assignments when the token is opaque. Never throws for Graph: a failure
 * to read marks every action unavailable, saying why.
 */
export async function readActionAvailability(
  graphs: TenantGraphFactory,
  repositories: Repositories,
  clientId: string,
): Promise<UserActionAvailability[]> {
  const unavailable = (detail: string): UserActionAvailability[] =>
    ACTION_PERMISSIONS.map((p) => ({
      action: p.action,
      permission: p.permission,
      available: false,
      detail,
    }));
  const integrations = repositories.integrations;
  if ((await integrations.find(clientId)) === undefined) {
    return unavailable("The client's tenant is not connected.");
  }
  let roles: ReadonlySet<string>;
  try {
    const graph = graphs.create(await integrations.credentials(clientId));
    const claims = await graph.tokenClaims();
    roles =
      claims.roles !== undefined
        ? new Set(claims.roles)
        : new Set(
            // A person waits: the preview, the confirm and the tab's availability all read this.
            (await graph.appRoleIdsFromDirectory({ urgent: true })).flatMap(
              (id) => ACTION_PERMISSIONS.find((p) => p.appRoleId === id)?.permission ?? [],
            ),
          );
  } catch (error) {
    return unavailable(
      `The granted permissions could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return ACTION_PERMISSIONS.map((p) => {
    const by = p.satisfiedBy.find((name) => roles.has(name));
    return {
      action: p.action,
      permission: p.permission,
      available: by !== undefined,
      detail:
        by === undefined
          ? `Not granted: to ${p.why}, add the Microsoft Graph application permission ${p.permission} to the app and have the client's admin grant consent.`
          : `Granted (${by}).`,
    };
  });
}
