import { setImmediate as nextTurn } from 'node:timers/promises';
import { csvRows, type CsvCell } from '../shared/csv.js';
import type { Actor } from './actor.js';
import type { AuditLogService, AuditQueryInput } from './audit-log-service.js';
import type { BillingHistoryInput, BillingService } from './billing-service.js';
import type { ExportGate } from './export-gate.js';
import type { LicenceService } from './licence-service.js';
import type { ReportService } from './report-service.js';
import type { ReportRequest } from './reports/report-types.js';
import type { ReportKind } from '../contracts/reports.js';
import type { UserListInput, UserService } from './user-service.js';
import type { UserView } from '../contracts/users.js';

/** Rows per page of a streamed users export: one store query each, the event loop free in between. */
const USERS_PAGE = 500;
/** At most this many users in one export (a 100k-user tenant fits twice). */
const USERS_LIMIT = 200_000;

/**
 * A CSV download: its file name and its text in pieces, produced one page at a time as they are read. Everything
 * that can refuse it (rights, filters, a free export slot) has been checked before it is returned. Read the pieces
 * to the end, or call `release` when the download is abandoned: either frees the export slot (idempotent).
 */
export interface CsvDownload {
  readonly fileName: string;
  readonly chunks: AsyncIterable<string>;
  readonly release: () => void;
}

/**
 * Every CSV export (rule 10's "every report can be downloaded as CSV", the users list, the audit log), streamed
 * page by page behind one {@link ExportGate} (DESIGN §9, bounded resources): a viewer's 12 concurrent exports of a
 * 50,000-user client neither hold the tenant in memory nor stall the server. Authorization is the underlying
 * services' own (read right on the client). The one formula guard (src/shared/csv.ts) neutralises every cell.
 */
export class ExportService {
  constructor(
    private readonly parts: {
      readonly users: UserService;
      readonly auditLog: AuditLogService;
      readonly reports: ReportService;
      readonly billing: BillingService;
      readonly licences: LicenceService;
      readonly gate: ExportGate;
    },
  ) {}

  /** The users list of a client, filtered like the list, as CSV. @throws as `UserService.list`; `export_busy` */
  async usersCsv(actor: Actor, clientRef: string, query: UserListInput): Promise<CsvDownload> {
    return this.gated(actor, `${clientRef}-users.csv`, async () => {
      const pageOf = (cursor: string | undefined) =>
        this.parts.users.list(actor, clientRef, {
          ...query,
          limit: USERS_PAGE,
          withTotal: false,
          ...(cursor === undefined ? {} : { cursor }),
        });
      // The first page is read now: a refusal (rights, filters) is an error, not a broken download.
      const first = await pageOf(undefined);
      return (async function* pages() {
        yield csvRows([USER_CSV_COLUMNS]);
        let page = first;
        let written = 0;
        for (;;) {
          yield csvRows(page.items.map(userCsvRow));
          written += page.items.length;
          const next = page.nextCursor ?? undefined;
          if (next === undefined || written >= USERS_LIMIT) return;
          // SQLite reads are synchronous: without a turn of the event loop between pages, one export would hold
          // the whole server (every other request, /healthz included) until its last page.
          await nextTurn();
          page = await pageOf(next);
        }
      })();
    });
  }

  /** The audit log the actor may see, as CSV. @throws as `AuditLogService.exportCsvPages`; `export_busy` */
  async auditCsv(actor: Actor, filters: Omit<AuditQueryInput, 'limit' | 'before'>): Promise<CsvDownload> {
    return this.gated(actor, 'audit-log.csv', () => this.parts.auditLog.exportCsvPages(actor, filters));
  }

  /** A report's table as CSV. @throws as `ReportService.csv`; `export_busy` */
  async reportCsv(
    actor: Actor,
    kind: ReportKind,
    request: ReportRequest,
    table?: string,
  ): Promise<CsvDownload> {
    let fileName = `${kind}.csv`;
    const download = await this.gated(actor, fileName, async () => {
      const exported = await this.parts.reports.csv(actor, kind, request, table);
      fileName = exported.fileName;
      return [exported.text];
    });
    return { ...download, fileName };
  }

  /** A client's Licences report (SKUs, assigned vs purchased, unused, cost) as CSV. @throws as `LicenceService.overview`; `export_busy` */
  async licencesCsv(actor: Actor, clientRef: string): Promise<CsvDownload> {
    let fileName = `${clientRef}-licences.csv`;
    const download = await this.gated(actor, fileName, async () => {
      const exported = await this.parts.licences.reportCsv(actor, clientRef);
      fileName = exported.fileName;
      return [exported.text];
    });
    return { ...download, fileName };
  }

  /** A client's daily billing snapshots as CSV. @throws as `BillingService.history`; `export_busy` */
  async billingCsv(actor: Actor, clientRef: string, query: BillingHistoryInput): Promise<CsvDownload> {
    return this.gated(actor, `${clientRef}-billing.csv`, async () => {
      const days = await this.parts.billing.history(actor, clientRef, query);
      return [
        csvRows([
          // The monthly licence cost as the history view and the CLI show it: empty where no price was set.
          [
            'day',
            'totalUsers',
            'imported',
            'disabled',
            'expired',
            'guests',
            'billable',
            'monthlyLicenceCost',
            'currency',
          ],
          ...days.map((day) => [
            day.day,
            day.totalUsers,
            day.imported,
            day.disabled,
            day.expired,
            day.guests,
            day.billable,
            day.licenceCost?.amount,
            day.licenceCost?.currency,
          ]),
        ]),
      ];
    });
  }

  /** Takes an export slot, opens the export, and frees the slot when it is read to the end, fails or is released. */
  private async gated(
    actor: Actor,
    fileName: string,
    open: () => Promise<AsyncIterable<string> | Iterable<string>>,
  ): Promise<CsvDownload> {
    const release = await this.parts.gate.acquire(`${actor.tenantId}:${actor.objectId}`);
    let source: AsyncIterable<string> | Iterable<string>;
    try {
      source = await open();
    } catch (error) {
      release();
      throw error;
    }
    return {
      fileName: fileName.replace(/[^\w.-]/g, '_'),
      release,
      chunks: (async function* chunks() {
        try {
          yield* source;
        } finally {
          release();
        }
      })(),
    };
  }
}

const USER_CSV_COLUMNS = [
  'displayName',
  'userPrincipalName',
  'mail',
  'userType',
  'accountEnabled',
  'department',
  'jobTitle',
  'state',
  'disableReason',
  'lastActivityAt',
  'lastActivityApp',
  'expired',
  'expiry',
  'billable',
  'id',
];

/** One user as a row of the users CSV (columns {@link USER_CSV_COLUMNS}). */
export function userCsvRow(user: UserView): CsvCell[] {
  return [
    user.displayName,
    user.userPrincipalName,
    user.mail,
    user.guest ? 'guest' : user.externalMember ? 'external member' : 'member',
    user.accountEnabled ? 'yes' : 'no',
    user.department,
    user.jobTitle,
    user.state,
    user.disableReason,
    user.lastActivity?.at ?? null,
    user.lastActivity?.app ?? null,
    user.expired ? 'yes' : 'no',
    user.expiry.explanation,
    user.billable ? 'yes' : 'no',
    user.id,
  ];
}

/** The users CSV of a list of users, whole (tests, small lists). */
export function usersCsv(users: readonly UserView[]): string {
  return csvRows([USER_CSV_COLUMNS, ...users.map(userCsvRow)]);
}
