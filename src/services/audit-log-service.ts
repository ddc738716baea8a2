import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod/v4';
import { csvRows } from '../shared/csv.js';
import { DAY_MS } from '../shared/clock.js';
import { auditSentence } from '../domain/audit-sentences.js';
import type { AuditQuery } from '../store/audit-repository.js';
import type { Store } from '../store/store.js';
import type { AuditEntryRecord } from '../store/audit-repository.js';
import type { AccessPolicy } from './access-policy.js';
import type { Actor } from './actor.js';
import type { ClientAccess } from './client-access.js';
import type { ClientService } from './client-service.js';
import { parseInput } from './validation.js';
import type { AuditEntryView, AuditPage } from '../contracts/audit.js';

export interface AuditLogServiceOptions {
  readonly store: Store;
  readonly access: AccessPolicy;
  readonly clientAccess: ClientAccess;
  readonly clients: ClientService;
}

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO 8601 date (2026-11-01) or date-time',
});

/** Filters of the audit log; every field optional. */
export const auditQueryInput = z.object({
  /** Client name or id. */
  client: z.string().trim().min(1).max(100, 'at most 100 characters').optional(),
  /** The acting identity's object id (or the CLI operator's user name). */
  actor: z.string().trim().min(1).max(256, 'at most 256 characters').optional(),
  /** Exact action (`group.exclude`) or a prefix ending in a dot (`integration.`). */
  action: z
    .string()
    .trim()
    .regex(/^[a-z_]+(\.[a-z_]*)*$/, 'an action name such as group.exclude, or a prefix such as integration.')
    .optional(),
  /** From this instant (inclusive); a bare date means its start (UTC). */
  from: instant.optional(),
  /** Until this instant (exclusive); a bare date means the end of that day (UTC). */
  to: instant.optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'at least 1')
    .max(1000, 'at most 1000')
    .default(100),
  /** `nextBefore` of the previous page. */
  before: z.coerce.number({ error: 'must be a number' }).int().positive().optional(),
});
export type AuditQueryInput = z.input<typeof auditQueryInput>;

/** How many entries one export holds at most. */
const EXPORT_LIMIT = 100_000;
const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actor_tenant_id',
  'actor_object_id',
  'actor_name',
  'channel',
  'client',
  'action',
  'target_type',
  'target_id',
  'before',
  'after',
];

/**
 * The audit log (DESIGN §2): every admin action, queryable per client, actor, action and period, and exportable as
 * CSV. People see the entries of the clients they may read; partner-wide entries (roles, clients) need partner-admin
 * rights.
 */
export class AuditLogService {
  private readonly store: Store;
  private readonly access: AccessPolicy;
  private readonly clientAccess: ClientAccess;
  private readonly clients: ClientService;

  constructor(options: AuditLogServiceOptions) {
    this.store = options.store;
    this.access = options.access;
    this.clientAccess = options.clientAccess;
    this.clients = options.clients;
  }

  /**
   * A page of entries, newest first. `nextBefore` continues after the last one (null at the end).
   * @throws {ValidationError} {@link NotFoundError} for an unknown or invisible client.
   */
  async query(actor: Actor, input: AuditQueryInput = {}): Promise<AuditPage> {
    const parsed = parseInput(auditQueryInput, input);
    const scope = await this.scope(actor, parsed.client);
    const rows = await this.store.read.audit.query({
      ...scope,
      ...this.filters(parsed),
      limit: parsed.limit,
    });
    const names = await this.clientNames(actor);
    const targets = await this.store.read.audit.targetNames(
      rows.flatMap((row) =>
        row.clientId !== null &&
        row.targetId !== null &&
        (row.targetType === 'user' || row.targetType === 'group')
          ? [{ clientId: row.clientId, type: row.targetType, id: row.targetId }]
          : [],
      ),
    );
    const last = rows.at(-1);
    return {
      items: rows.map((row) => toView(row, names, targets)),
      nextBefore: rows.length === parsed.limit && last !== undefined ? last.id : null,
    };
  }

  /**
   * The entries the actor may see, filtered, oldest last, as CSV (at most 100,000 rows; the one formula guard of
   * src/shared/csv.ts on every cell). Whole, for the CLI; {@link exportCsvPages} streams the same text.
   */
  async exportCsv(actor: Actor, input: Omit<AuditQueryInput, 'limit' | 'before'> = {}): Promise<string> {
    let text = '';
    for await (const page of await this.exportCsvPages(actor, input)) text += page;
    return text;
  }

  /**
   * The same CSV in pages of 1,000 entries, read one page at a time: the filters and the actor's scope are checked
   * before the first page is returned, so a refusal is an error here, never a broken download.
   * @throws {ValidationError} {@link NotFoundError} {@link ForbiddenError}
   */
  async exportCsvPages(
    actor: Actor,
    input: Omit<AuditQueryInput, 'limit' | 'before'> = {},
  ): Promise<AsyncIterable<string>> {
    const parsed = parseInput(auditQueryInput, { ...input, limit: 1000 });
    const scope = await this.scope(actor, parsed.client);
    const names = await this.clientNames(actor);
    const repository = this.store.read.audit;
    const filters = this.filters(parsed);
    return (async function* pages() {
      yield csvRows([AUDIT_CSV_COLUMNS]);
      let written = 0;
      let before: number | undefined;
      while (written < EXPORT_LIMIT) {
        const rows = await repository.query({
          ...scope,
          ...filters,
          limit: 1000,
          ...(before === undefined ? {} : { beforeId: before }),
        });
        written += rows.length;
        yield csvRows(
          rows.map((row) => [
            String(row.id),
            row.at,
            row.actorTenantId,
            row.actorObjectId,
            row.actorName,
            row.channel,
            row.clientId === null ? null : (names.get(row.clientId) ?? row.clientId),
            row.action,
            row.targetType,
            row.targetId,
            row.before,
            row.after,
          ]),
        );
        const last = rows.at(-1);
        if (rows.length < 1000 || last === undefined) break;
        before = last.id;
        // A turn of the event loop between pages (SQLite reads are synchronous): other requests go on meanwhile.
        await nextTurn();
      }
    })();
  }

  private async scope(actor: Actor, clientRef: string | undefined): Promise<Pick<AuditQuery, 'clientIds'>> {
    if (clientRef !== undefined) {
      const client = await this.clientAccess.resolve(actor, clientRef, 'client:read');
      return { clientIds: [client.id] };
    }
    const partner = await this.access.can(actor, 'partner:manage');
    if (partner) return {};
    const visible = await this.access.visibleClients(actor);
    if (visible === 'all') {
      const all = await this.clients.list(actor);
      return { clientIds: all.map((client) => client.id) };
    }
    return { clientIds: visible };
  }

  private filters(parsed: z.output<typeof auditQueryInput>): Omit<AuditQuery, 'limit' | 'clientIds'> {
    return {
      ...(parsed.actor === undefined ? {} : { actorObjectId: parsed.actor }),
      ...(parsed.action === undefined ? {} : { action: parsed.action }),
      ...(parsed.from === undefined ? {} : { from: startOf(parsed.from) }),
      ...(parsed.to === undefined ? {} : { to: endOf(parsed.to) }),
      ...(parsed.before === undefined ? {} : { beforeId: parsed.before }),
    };
  }

  private async clientNames(actor: Actor): Promise<Map<string, string>> {
    return new Map((await this.clients.list(actor)).map((client) => [client.id, client.name]));
  }
}

function startOf(value: string): string {
  return value.length === 10 ? `${value}T00:00:00.000Z` : new Date(value).toISOString();
}

function endOf(value: string): string {
  if (value.length !== 10) return new Date(value).toISOString();
  return new Date(new Date(`${value}T00:00:00.000Z`).getTime() + DAY_MS).toISOString();
}

function toView(
  row: AuditEntryRecord,
  names: Map<string, string>,
  targets = new Map<string, string>(),
): AuditEntryView {
  const clientName = row.clientId === null ? null : (names.get(row.clientId) ?? null);
  const targetName =
    row.clientId === null || row.targetId === null
      ? null
      : (targets.get(`${row.targetType ?? ''}:${row.clientId}:${row.targetId}`) ?? null);
  const before = parseJson(row.before);
  const after = parseJson(row.after);
  return {
    id: row.id,
    at: row.at,
    actor: { tenantId: row.actorTenantId, objectId: row.actorObjectId, name: row.actorName },
    channel: row.channel,
    clientId: row.clientId,
    clientName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetName,
    summary: auditSentence({
      action: row.action,
      actorName: row.actorName ?? (row.channel === 'scheduler' ? 'The scheduler' : null),
      targetType: row.targetType,
      targetName,
      clientName,
      before,
      after,
    }),
    before,
    after,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
