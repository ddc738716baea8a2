import { z } from 'zod/v4';
import type { PrincipalRef } from '../config/load-config.js';
import type { Me } from '../contracts/clients.js';
import { ALL_CLIENTS, type Permission, type RoleGrant } from '../domain/roles.js';
import type { Clock } from '../shared/clock.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import type { RoleAssignmentKey } from '../store/role-repository.js';
import type { RoleAssignmentRecord } from '../store/role-repository.js';
import type { Store } from '../store/store.js';
import type { RoleName } from '../domain/vocabulary.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import type { AuditTrail } from './audit-trail.js';
import type { ClientAccess } from './client-access.js';
import type { ClientService } from './client-service.js';
import { parseInput } from './validation.js';
import { GUID_PATTERN } from '../contracts/values.js';

export interface RoleServiceOptions {
  readonly store: Store;
  readonly access: AccessPolicy;
  readonly clientAccess: ClientAccess;
  readonly clients: ClientService;
  readonly audit: AuditTrail;
  readonly clock: Clock;
  /** The first partner admins, from configuration: listed, never revocable here. */
  readonly configuredPartnerAdmins: readonly PrincipalRef[];
}

const guid = z.string().trim().toLowerCase().regex(GUID_PATTERN, 'must be a GUID');

/**
 * Who gets which role where (DESIGN §2): `partner_admin` is partner-wide (no client); `client_admin` needs one
 * client; `viewer` is for one client, or every client when `client` is omitted.
 */
export const roleAssignmentInput = z
  .object({
    principalTenantId: guid,
    principalObjectId: guid,
    /** Display name (UPN) for lists and the audit log; the identity is tenant id + object id. */
    principalName: z.string().trim().min(1).max(256, 'at most 256 characters').optional(),
    role: z.enum(['partner_admin', 'client_admin', 'viewer'], {
      error: 'must be partner_admin, client_admin or viewer',
    }),
    client: z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters').optional(),
  })
  .check((ctx) => {
    const value = ctx.value;
    if (value.role === 'partner_admin' && value.client !== undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['client'],
        message: 'partner admins hold every client; omit the client',
        input: value.client,
      });
    }
    if (value.role === 'client_admin' && value.client === undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['client'],
        message: 'a client admin is scoped to one client; name it',
        input: value.client,
      });
    }
  });
export type RoleAssignmentInput = z.input<typeof roleAssignmentInput>;

/** A role held by someone, from a stored assignment or from configuration. */
export interface RoleAssignmentView {
  readonly principalTenantId: string;
  readonly principalObjectId: string;
  readonly principalName: string | null;
  readonly role: RoleName;
  /** The client id, or `*` for every client. */
  readonly clientScope: string;
  /** The client's short name, when scoped to one. */
  readonly clientName: string | null;
  readonly source: 'assignment' | 'configuration';
  readonly createdAt: string | null;
  readonly createdBy: string | null;
}

/**
 * Role assignments (DESIGN §2): partner admins assign and revoke; a client's admins may see who holds roles on
 * their client. Every change is audited.
 */
export class RoleService {
  private readonly store: Store;
  private readonly access: AccessPolicy;
  private readonly clientAccess: ClientAccess;
  private readonly clients: ClientService;
  private readonly audit: AuditTrail;
  private readonly clock: Clock;
  private readonly configured: readonly PrincipalRef[];

  constructor(options: RoleServiceOptions) {
    this.store = options.store;
    this.access = options.access;
    this.clientAccess = options.clientAccess;
    this.clients = options.clients;
    this.audit = options.audit;
    this.clock = options.clock;
    this.configured = options.configuredPartnerAdmins;
  }

  /** The roles the actor holds (for the bot and the tab to show what it may do). */
  async myGrants(actor: Actor): Promise<RoleGrant[]> {
    return this.access.grantsOf(actor);
  }

  /** Whether the actor may do `permission` (on `clientId`): the edges show or hide actions by it, the core decides. */
  async can(actor: Actor, permission: Permission, clientId?: string): Promise<boolean> {
    return this.access.can(actor, permission, clientId);
  }

  /** Who the caller is and what they may do, for the tab to show or hide actions (the core still decides). */
  async me(actor: Actor): Promise<Me> {
    const grants = await this.access.grantsOf(actor);
    const clients = await this.clients.list(actor);
    return {
      name: actor.name ?? null,
      tenantId: actor.tenantId,
      objectId: actor.objectId,
      grants: grants.map((grant) => ({ role: grant.role, clientScope: grant.clientScope })),
      isPartnerAdmin: grants.some(
        (grant) => grant.role === 'partner_admin' && grant.clientScope === ALL_CLIENTS,
      ),
      clients: clients.map((client) => ({
        id: client.id,
        name: client.name,
        displayName: client.displayName,
      })),
    };
  }

  /**
   * Assignments: all of them for a partner admin; with `clientRef`, those on that client (and partner-wide ones),
   * which that client's admins may also see.
   * @throws {ForbiddenError} {@link NotFoundError}
   */
  async list(actor: Actor, clientRef?: string): Promise<RoleAssignmentView[]> {
    let rows: RoleAssignmentRecord[];
    if (clientRef === undefined) {
      await this.access.assert(actor, 'partner:manage');
      rows = await this.store.read.roles.list();
    } else {
      const client = await this.clientAccess.resolve(actor, clientRef, 'client:configure');
      rows = await this.store.read.roles.list({ clientScope: client.id, includeAll: true });
    }
    const names = new Map((await this.clients.list(actor)).map((client) => [client.id, client.name]));
    const fromConfig: RoleAssignmentView[] = this.configured.map((admin) => ({
      principalTenantId: admin.tenantId,
      principalObjectId: admin.objectId,
      principalName: null,
      role: 'partner_admin',
      clientScope: ALL_CLIENTS,
      clientName: null,
      source: 'configuration',
      createdAt: null,
      createdBy: null,
    }));
    return [
      ...fromConfig,
      ...rows.map((row) =>
        toView(row, row.clientScope === ALL_CLIENTS ? null : (names.get(row.clientScope) ?? null)),
      ),
    ];
  }

  /**
   * Gives a role (partner admins only). Assigning a role someone already holds changes nothing.
   * @throws {ValidationError} {@link ForbiddenError} {@link NotFoundError} for an unknown client.
   */
  async assign(actor: Actor, input: RoleAssignmentInput): Promise<RoleAssignmentView> {
    await this.access.assert(actor, 'partner:manage');
    const parsed = parseInput(roleAssignmentInput, input);
    const { key, clientName } = await this.keyOf(actor, parsed);
    const now = this.clock.now().toISOString();
    return this.store.transaction(async (tx) => {
      const roles = tx.roles;
      const existing = await roles.find(key);
      if (existing !== undefined) return toView(existing, clientName);
      const row = await roles.insert(key, {
        principalName: parsed.principalName ?? null,
        createdAt: now,
        createdBy: actor.name ?? actor.objectId,
      });
      await this.audit.record(tx, actor, {
        action: 'role.assign',
        clientId: key.clientScope === ALL_CLIENTS ? null : key.clientScope,
        targetType: 'principal',
        targetId: `${key.principalTenantId}/${key.principalObjectId}`,
        after: { role: key.role, clientScope: key.clientScope, principalName: parsed.principalName ?? null },
      });
      return toView(row, clientName);
    });
  }

  /**
   * Takes a stored role away (partner admins only).
   * @throws {ValidationError} {@link ForbiddenError}; {@link NotFoundError} when no such assignment is stored;
   * {@link ConflictError} `role_from_configuration` for a partner admin named in PARTNER_ADMINS.
   */
  async revoke(actor: Actor, input: RoleAssignmentInput): Promise<void> {
    await this.access.assert(actor, 'partner:manage');
    const parsed = parseInput(roleAssignmentInput, input);
    const { key } = await this.keyOf(actor, parsed);
    await this.store.transaction(async (tx) => {
      const deleted = await tx.roles.delete(key);
      if (!deleted) {
        const configured = this.configured.some(
          (admin) => admin.tenantId === key.principalTenantId && admin.objectId === key.principalObjectId,
        );
        if (configured && key.role === 'partner_admin') {
          throw new ConflictError(
            'role_from_configuration',
            'This partner admin comes from the PARTNER_ADMINS configuration; remove them there.',
          );
        }
        throw new NotFoundError(
          'Role assignment',
          `${key.role} of ${key.principalTenantId}/${key.principalObjectId}`,
        );
      }
      await this.audit.record(tx, actor, {
        action: 'role.revoke',
        clientId: key.clientScope === ALL_CLIENTS ? null : key.clientScope,
        targetType: 'principal',
        targetId: `${key.principalTenantId}/${key.principalObjectId}`,
        before: { role: key.role, clientScope: key.clientScope },
      });
    });
  }

  private async keyOf(
    actor: Actor,
    parsed: z.output<typeof roleAssignmentInput>,
  ): Promise<{ key: RoleAssignmentKey; clientName: string | null }> {
    const client = parsed.client === undefined ? undefined : await this.clients.get(actor, parsed.client);
    return {
      key: {
        principalTenantId: parsed.principalTenantId,
        principalObjectId: parsed.principalObjectId,
        role: parsed.role,
        clientScope: client?.id ?? ALL_CLIENTS,
      },
      clientName: client?.name ?? null,
    };
  }
}

function toView(row: RoleAssignmentRecord, clientName: string | null): RoleAssignmentView {
  return {
    principalTenantId: row.principalTenantId,
    principalObjectId: row.principalObjectId,
    principalName: row.principalName,
    role: row.role,
    clientScope: row.clientScope,
    clientName,
    source: 'assignment',
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}
