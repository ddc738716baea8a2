import crypto from 'node:crypto';
import { z } from 'zod/v4';
import { CLIENT_NAME_PATTERN } from '../contracts/values.js';
import { isAllowed, type RoleGrant } from '../domain/roles.js';
import type { Clock } from '../shared/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../shared/errors.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { Store } from '../store/store.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import { parseInput } from './validation.js';

export interface ClientServiceOptions {
  readonly store: Store;
  readonly access: AccessPolicy;
  readonly audit: AuditTrail;
  readonly clock: Clock;
}

export const addClientInput = z.object({
  name: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      CLIENT_NAME_PATTERN,
      'use 2–40 lower-case letters, digits or dashes, starting with a letter or digit (e.g. contoso)',
    ),
  displayName: z.string().trim().min(1, 'must not be empty').max(120, 'at most 120 characters').optional(),
});
export type AddClientInput = z.input<typeof addClientInput>;

/** Clients: list, add and remove (partner admins), with authorization and audit. */
export class ClientService {
  private readonly store: Store;
  private readonly access: AccessPolicy;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;

  constructor(options: ClientServiceOptions) {
    this.store = options.store;
    this.access = options.access;
    this.audit = options.audit;
    this.clock = options.clock;
  }

  /** The clients the actor may see, by name. */
  async list(actor: Actor): Promise<ClientRecord[]> {
    return this.store.read.clients.list(await this.access.visibleClients(actor));
  }

  /**
   * One client by id or name, if the actor may read it. Another client's id answers "not found", exactly like an
   * unknown one, so ids cannot be probed. `grants`: the actor's, when this request has read them already.
   * @throws {NotFoundError}
   */
  async get(actor: Actor, idOrName: string, grants?: readonly RoleGrant[]): Promise<ClientRecord> {
    const client = await this.store.read.clients.find(idOrName.trim());
    if (
      client === undefined ||
      !(grants === undefined
        ? await this.access.can(actor, 'client:read', client.id)
        : isAllowed(grants, 'client:read', client.id))
    ) {
      throw new NotFoundError('Client', idOrName);
    }
    return client;
  }

  /** @throws {ValidationError} for a malformed name; {@link ConflictError} when the name is taken. */
  async add(actor: Actor, input: AddClientInput): Promise<ClientRecord> {
    await this.access.assert(actor, 'partner:manage');
    const { name, displayName } = parseInput(addClientInput, input);
    const client: ClientRecord = {
      id: crypto.randomUUID(),
      name,
      displayName: displayName ?? name,
      expiryDays: 30,
      createdAt: this.clock.now().toISOString(),
      createdBy: actor.name ?? actor.objectId,
    };
    await this.store.transaction(async (tx) => {
      const repository = tx.clients;
      if ((await repository.find(name)) !== undefined) {
        throw new ConflictError(
          'client_exists',
          `A client named '${name}' already exists; choose another name.`,
        );
      }
      await repository.insert(client);
      await this.audit.record(tx, actor, {
        action: 'client.add',
        clientId: client.id,
        targetType: 'client',
        targetId: client.id,
        after: { name: client.name, displayName: client.displayName },
      });
    });
    return client;
  }

  /**
   * Removes a client and all its data. `confirmName` must repeat the client's name: this cannot be undone.
   * @throws {ValidationError} when the confirmation does not match.
   */
  async remove(actor: Actor, idOrName: string, confirmName: string): Promise<void> {
    await this.access.assert(actor, 'partner:manage');
    const client = await this.get(actor, idOrName);
    if (confirmName.trim().toLowerCase() !== client.name) {
      throw new ValidationError(
        `Removing '${client.name}' deletes all its data and cannot be undone; confirm by repeating its name.`,
        [{ path: 'confirm', message: `must be '${client.name}'` }],
      );
    }
    await this.store.transaction(async (tx) => {
      await tx.clients.deleteWithData(client.id);
      await this.audit.record(tx, actor, {
        action: 'client.remove',
        clientId: client.id,
        targetType: 'client',
        targetId: client.id,
        before: { name: client.name, displayName: client.displayName },
      });
    });
  }
}
