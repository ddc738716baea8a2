import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import type { Core } from '../../composition/create-core.js';
import { AppError } from '../../shared/errors.js';
import type { SyncRunRow } from '../../store/schema.js';
import type { ActivityDataState } from '../../domain/vocabulary.js';
import { SYNC_PARTS, type PartRun, type SyncPart } from '../../sync/client-sync.js';
import type { CliContext } from '../cli-context.js';

interface SyncOptions {
  json?: boolean;
  only?: SyncPart[];
}

/** One run of the sync, as `sync --json` prints it. */
export interface SyncRunSummary {
  readonly part: SyncPart;
  /** `directory`, `service_principals`, `sign_in_activity`, `sign_ins`, `mfa_registration`. */
  readonly kind: string;
  readonly runId: number;
  readonly status: string;
  readonly trigger: string;
  readonly joined: boolean;
  /** Why the run had nothing to do (e.g. "waiting for the initial import"), when it says so. */
  readonly skipped: string | null;
  readonly pages: number;
  readonly itemsWritten: number;
  readonly requests: number;
  readonly retries: number;
  readonly throttledMs: number;
  readonly durationMs: number;
  readonly error?: { code: string; message: string; requestId: string | null };
}

/** The directory the client holds after the sync, and what its directory run changed. */
export interface DirectorySummary {
  /** Active users, groups and direct memberships held after the run. */
  readonly users: number;
  readonly groups: number;
  readonly memberships: number;
  readonly transitiveMemberships: number;
  readonly usersAdded: number;
  readonly usersUpdated: number;
  readonly usersRemoved: number;
  readonly groupsAdded: number;
  readonly groupsUpdated: number;
  readonly groupsRemoved: number;
  readonly edgesAdded: number;
  readonly edgesRemoved: number;
}

/** What `sync --json` prints: exactly one JSON document. */
export interface SyncSummary {
  readonly client: string;
  readonly parts: readonly SyncPart[];
  readonly succeeded: boolean;
  readonly runs: readonly SyncRunSummary[];
  /** Present when the directory part ran. */
  readonly directory: DirectorySummary | null;
  /** Billing as it stands after the sync (rule 9), expiry as of now. */
  readonly billing: {
    /** `unknown`: the tenant's activity has not been read yet ("reading activity…"): nobody is expired yet. */
    readonly activityData: ActivityDataState;
    readonly imported: number;
    readonly expired: number;
    readonly billable: number;
  };
}

/**
 * `sync <client> [--only directory|activity|sign-ins|mfa …] [--json]`: everything a sync of the client means, as
 * the scheduler runs it (directory, activity, MFA registration, sign-ins, in that order), joining runs under way.
 */
export function registerSyncCommand(program: Command, context: CliContext): void {
  program
    .command('sync')
    .description(
      'synchronise a client with its tenant now, as the schedule does: directory (and enterprise apps), activity (signInActivity), MFA registration, sign-ins — joining runs in progress',
    )
    .argument('<client>', 'client name or id')
    .addOption(
      new Option('--only <part...>', 'run only these parts (repeat or list several)').choices([
        ...SYNC_PARTS,
      ]),
    )
    .option(
      '--json',
      'print one JSON document with every run and the billing after, instead of progress and text',
    )
    .action(async (clientRef: string, options: SyncOptions) => {
      const core = await context.core();
      const client = await core.clients.get(context.actor, clientRef);
      await core.access.assert(context.actor, 'client:operate', client.id);
      const bar = options.json !== true && process.stderr.isTTY ? progressBar() : undefined;
      let outcome;
      try {
        outcome = await core.clientSync.run(client.id, {
          trigger: 'manual',
          ...(options.only === undefined ? {} : { parts: options.only }),
          ...(bar === undefined ? {} : { onProgress: bar.update }),
        });
      } finally {
        bar?.stop();
      }
      const summary = await summarise(core, context, client.name, outcome.parts, outcome.runs);
      context.out(options.json === true ? JSON.stringify(summary) : describe(summary));
      const failed = outcome.runs.find((entry) => entry.run.status !== 'succeeded');
      if (failed !== undefined) {
        throw new AppError(failed.run.error_code ?? 'sync_failed', failureText(failed), { status: 502 });
      }
    });
}

function progressBar(): {
  update: (part: SyncPart, progress: Readonly<Record<string, unknown>>) => void;
  stop: () => void;
} {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {part} {phase} |{bar}| pages {pages} · requests {requests}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  // Graph does not say how many pages a round has: the bar's end moves ahead of the pages seen.
  let total = 20;
  bar.start(total, 0, { part: '', phase: 'starting', pages: 0, requests: 0 });
  return {
    update: (part, progress) => {
      const pages = Number(progress.pages ?? 0);
      if (pages >= total) {
        total = Math.ceil(pages * 1.5) + 1;
        bar.setTotal(total);
      }
      if (progress.done === true) bar.setTotal(Math.max(pages, 1));
      bar.update(progress.done === true ? Math.max(pages, 1) : pages, {
        part: part.padEnd(9),
        phase: (typeof progress.phase === 'string' ? progress.phase : '').padEnd(14),
        pages,
        requests: Number(progress.requests ?? 0),
      });
    },
    stop: () => {
      bar.stop();
    },
  };
}

async function summarise(
  core: Core,
  context: CliContext,
  clientName: string,
  parts: readonly SyncPart[],
  runs: readonly PartRun[],
): Promise<SyncSummary> {
  const directoryRun = runs.find((entry) => entry.kind === 'directory')?.run;
  const billing = await core.billing.summary(context.actor, clientName);
  return {
    client: clientName,
    parts,
    succeeded: runs.every((entry) => entry.run.status === 'succeeded'),
    runs: runs.map(runSummary),
    directory: directoryRun === undefined ? null : await directorySummary(core, directoryRun),
    billing: {
      activityData: billing.activityData,
      imported: billing.counts.imported,
      expired: billing.counts.expired,
      billable: billing.counts.billable,
    },
  };
}

function runSummary(entry: PartRun): SyncRunSummary {
  const { run } = entry;
  const progress = parseProgress(run.progress);
  return {
    part: entry.part,
    kind: run.kind,
    runId: run.id,
    status: run.status,
    trigger: run.trigger,
    joined: entry.joined,
    skipped: typeof progress.skipped === 'string' ? progress.skipped : null,
    pages: run.pages,
    itemsWritten: run.items_written,
    requests: run.graph_requests,
    retries: run.retries,
    throttledMs: run.throttled_ms,
    durationMs: run.finished_at === null ? 0 : Date.parse(run.finished_at) - Date.parse(run.started_at),
    ...(run.error_code === null
      ? {}
      : {
          error: { code: run.error_code, message: run.error_message ?? '', requestId: run.error_request_id },
        }),
  };
}

async function directorySummary(core: Core, run: SyncRunRow): Promise<DirectorySummary> {
  const db = core.database.db;
  const count = async (table: 'directory_users' | 'directory_groups'): Promise<number> => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', run.client_id)
      .where('entra_state', '=', 'active')
      .executeTakeFirstOrThrow();
    return row.count;
  };
  const edges = async (table: 'group_members' | 'group_user_closure'): Promise<number> => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', run.client_id)
      .executeTakeFirstOrThrow();
    return row.count;
  };
  return {
    users: await count('directory_users'),
    groups: await count('directory_groups'),
    memberships: await edges('group_members'),
    transitiveMemberships: await edges('group_user_closure'),
    usersAdded: run.users_added,
    usersUpdated: run.users_updated,
    usersRemoved: run.users_removed,
    groupsAdded: run.groups_added,
    groupsUpdated: run.groups_updated,
    groupsRemoved: run.groups_removed,
    edgesAdded: run.edges_added,
    edgesRemoved: run.edges_removed,
  };
}

const KIND_TEXT: Readonly<Record<string, string>> = {
  directory: 'directory',
  service_principals: 'enterprise apps',
  sign_in_activity: 'signInActivity',
  sign_ins: 'sign-ins',
  mfa_registration: 'MFA registration',
};

function describe(summary: SyncSummary): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const lines = [
    `Synced ${summary.client} (${summary.parts.join(', ')}): ${summary.succeeded ? 'succeeded' : 'failed'}.`,
  ];
  for (const run of summary.runs) {
    const what = KIND_TEXT[run.kind] ?? run.kind;
    const detail =
      run.skipped !== null
        ? `nothing to do (${run.skipped})`
        : `${n(run.itemsWritten)} written, ${n(run.requests)} requests over ${n(run.pages)} pages`;
    lines.push(
      `  ${what.padEnd(17)}${run.joined ? 'joined ' : ''}run ${run.runId} (${run.trigger}): ${run.status} in ${(run.durationMs / 1000).toFixed(1)} s — ${detail}` +
        (run.error === undefined ? '' : `; ${run.error.code}: ${run.error.message}`),
    );
  }
  const directory = summary.directory;
  if (directory !== null) {
    lines.push(
      `  users        ${n(directory.users)} (+${n(directory.usersAdded)} added, ${n(directory.usersUpdated)} updated, ${n(directory.usersRemoved)} removed)`,
      `  groups       ${n(directory.groups)} (+${n(directory.groupsAdded)} added, ${n(directory.groupsUpdated)} updated, ${n(directory.groupsRemoved)} removed)`,
      `  memberships  ${n(directory.memberships)} direct (+${n(directory.edgesAdded)} / -${n(directory.edgesRemoved)}), ${n(directory.transitiveMemberships)} transitive`,
    );
  }
  const billing = summary.billing;
  lines.push(
    billing.activityData === 'unknown'
      ? `  billing      ${n(billing.billable)} billable of ${n(billing.imported)} imported — reading activity…: nobody is expired until the tenant's activity has been read`
      : `  billing      ${n(billing.billable)} billable, ${n(billing.expired)} expired, of ${n(billing.imported)} imported${billing.activityData === 'unavailable' ? ' (activity unknown: no Entra ID P1/P2, nobody expires)' : ''}`,
  );
  return lines.join('\n');
}

function failureText(entry: PartRun): string {
  const { run } = entry;
  const requestId = run.error_request_id === null ? '' : ` (Graph request id ${run.error_request_id})`;
  return `The ${KIND_TEXT[run.kind] ?? run.kind} sync failed: ${run.error_message ?? run.error_code ?? 'unknown error'}${requestId}`;
}

function parseProgress(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
