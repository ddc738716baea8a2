import { z } from 'zod/v4';
import type { Permission } from '../domain/roles.js';
import type { ClientRecord } from '../store/client-repository.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import type { ClientService } from './client-service.js';
import { parseInput } from './validation.js';

/** A client named by id or short name, as every service input spells it. */
export const clientRefSchema = z
  .string({ error: 'name a client (its short name or id)' })
  .trim()
  .min(1, 'name a client (its short name or id)')
  .max(100, 'at most 100 characters');

/**
 * Resolves the client a service call is about and checks the actor's right on it, in the order that leaks nothing:
 * a client the actor cannot see is "not found" exactly like an unknown one; a visible client without the needed
 * right is "forbidden".
 */
export class ClientAccess {
  constructor(
    private readonly clients: ClientService,
    private readonly access: AccessPolicy,
  ) {}

  /** @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError} */
  async resolve(actor: Actor, clientRef: unknown, permission: Permission): Promise<ClientRecord> {
    const ref = parseInput(clientRefSchema, clientRef);
    // The actor's grants, read once for both checks.
    const grants = await this.access.grantsOf(actor);
    const client = await this.clients.get(actor, ref, grants);
    this.access.assertGranted(grants, permission, client.id);
    return client;
  }
}
