/** Which edge an action came through; recorded in the audit log. */
export type Channel = 'bot' | 'tab' | 'cli' | 'system';

/**
 * Who is acting: the identity every service call takes and checks (DESIGN §2). For people this is their Entra
 * tenant id + object id, taken from a validated token by the edge; `name` (UPN) is for display and audit only.
 */
export interface Actor {
  readonly tenantId: string;
  readonly objectId: string;
  readonly name: string | undefined;
  readonly channel: Channel;
}

/** The tenant id of the local operator: whoever runs the admin CLI on the server itself. */
export const OPERATOR_TENANT = 'local-operator';

/** The admin CLI's identity: the server's operator, with partner-admin rights, audited under their OS user name. */
export function operatorActor(userName: string): Actor {
  return { tenantId: OPERATOR_TENANT, objectId: userName, name: userName, channel: 'cli' };
}

/** The app itself acting on a schedule (auto-import, expiry, snapshots). */
export const SYSTEM_ACTOR: Actor = {
  tenantId: 'system',
  objectId: 'scheduler',
  name: 'scheduler',
  channel: 'system',
};

/**
 * Demo mode's own set-up at start (the demo client, its initial import, the demo people's roles): audited as what it
 * is. Under {@link SYSTEM_ACTOR} the audit log read "scheduler added client demo", "scheduler gave a person a role".
 */
export const DEMO_SETUP_ACTOR: Actor = {
  tenantId: 'system',
  objectId: 'demo-setup',
  name: 'demo setup',
  channel: 'system',
};

export function describeActor(actor: Actor): string {
  return actor.name ?? `${actor.tenantId}/${actor.objectId}`;
}
