import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Core } from '../../composition/create-core.js';
import { AppError } from '../../shared/errors.js';
import type { SyncRunRow } from '../../store/schema.js';
import type { CliContext } from '../cli-context.js';

interface SyncOptions {
  json?: boolean;
  signInActivity?: boolean;
}

/** What `sync --json` prints: one line. */
export interface SyncSummary {
  readonly client: string;
  readonly runId: number;
  readonly status: string;
  readonly trigger: string;
  readonly joined: boolean;
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
  readonly pages: number;
  readonly requests: number;
  readonly retries: number;
  readonly throttledMs: number;
  readonly durationMs: number;
  readonly error?: { code: string; message: string; requestId: string | null };
}

/** `sync <client> [--json] [--sign-in-activity]`: synchronise a client's directory now (or join the run under way). */
export function registerSyncCommand(program: Command, context: CliContext): void {
  program
    .command('sync')
    .description("synchronise a client's directory with its tenant now (joins a run already in progress)")
    .argument('<client>', 'client name or id')
    .option('--json', 'print one JSON line with the outcome instead of a progress bar and summary')
    .option('--sign-in-activity', "also read the users' signInActivity (slow: paced by Graph's reports tier)")
    .action(async (clientRef: string, options: SyncOptions) => {
      const core = await context.core();
      const client = await core.clients.get(context.actor, clientRef);
      await core.access.assert(context.actor, 'client:operate', client.id);
      const bar = options.json !== true && process.stderr.isTTY ? progressBar() : undefined;
      let outcome;
      try {
        outcome = await core.directorySync.run(client.id, {
          trigger: 'manual',
          ...(bar === undefined ? {} : { onProgress: bar.update }),
        });
      } finally {
        bar?.stop();
      }
      const summary = await summarise(core, client.name, outcome.run, outcome.joined);
      if (options.json === true) context.out(JSON.stringify(summary));
      else context.out(describe(summary));
      if (outcome.run.status !== 'succeeded') {
        throw new AppError(outcome.run.error_code ?? 'sync_failed', failureText(outcome.run), {
          status: 502,
        });
      }
      if (options.signInActivity === true) {
        const activity = await core.signInActivitySync.run(client.id, 'manual');
        const line = `signInActivity: ${activity.run.status}, ${activity.run.items_written} users updated, ${activity.run.graph_requests} requests`;
        if (options.json === true) {
          context.out(
            JSON.stringify({
              client: client.name,
              signInActivity: activity.run.status,
              usersUpdated: activity.run.items_written,
            }),
          );
        } else context.out(line);
        if (activity.run.status !== 'succeeded') {
          throw new AppError(activity.run.error_code ?? 'sync_failed', failureText(activity.run), {
            status: 502,
          });
        }
      }
    });
}

function progressBar(): { update: (progress: Readonly<Record<string, unknown>>) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    {
      format: ' {phase} |{bar}| pages {pages} · users {users} · groups {groups} · requests {requests}',
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  // Graph does not say how many pages a round has: the bar's end moves ahead of the pages seen.
  let total = 20;
  bar.start(total, 0, { phase: 'starting', pages: 0, users: 0, groups: 0, requests: 0 });
  return {
    update: (progress) => {
      const pages = Number(progress.pages ?? 0);
      if (pages >= total) {
        total = Math.ceil(pages * 1.5) + 1;
        bar.setTotal(total);
      }
      if (progress.done === true) bar.setTotal(Math.max(pages, 1));
      bar.update(progress.done === true ? Math.max(pages, 1) : pages, {
        phase: (typeof progress.phase === 'string' ? progress.phase : 'sync').padEnd(12),
        pages,
        users: Number(progress.users ?? 0),
        groups: Number(progress.groups ?? 0),
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
  clientName: string,
  run: SyncRunRow,
  joined: boolean,
): Promise<SyncSummary> {
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
  const durationMs = run.finished_at === null ? 0 : Date.parse(run.finished_at) - Date.parse(run.started_at);
  return {
    client: clientName,
    runId: run.id,
    status: run.status,
    trigger: run.trigger,
    joined,
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
    pages: run.pages,
    requests: run.graph_requests,
    retries: run.retries,
    throttledMs: run.throttled_ms,
    durationMs,
    ...(run.error_code === null
      ? {}
      : {
          error: { code: run.error_code, message: run.error_message ?? '', requestId: run.error_request_id },
        }),
  };
}

function describe(summary: SyncSummary): string {
  const n = (value: number): string => value.toLocaleString('en-US');
  const lines = [
    `${summary.joined ? 'Joined the sync in progress for' : 'Synced'} ${summary.client} (run ${summary.runId}, ${summary.trigger}): ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s.`,
    `  users        ${n(summary.users)} (+${n(summary.usersAdded)} added, ${n(summary.usersUpdated)} updated, ${n(summary.usersRemoved)} removed)`,
    `  groups       ${n(summary.groups)} (+${n(summary.groupsAdded)} added, ${n(summary.groupsUpdated)} updated, ${n(summary.groupsRemoved)} removed)`,
    `  memberships  ${n(summary.memberships)} direct (+${n(summary.edgesAdded)} / -${n(summary.edgesRemoved)}), ${n(summary.transitiveMemberships)} transitive`,
    `  Graph        ${n(summary.requests)} requests over ${n(summary.pages)} pages, ${n(summary.retries)} retries, ${n(summary.throttledMs)} ms throttled`,
  ];
  return lines.join('\n');
}

function failureText(run: SyncRunRow): string {
  const requestId = run.error_request_id === null ? '' : ` (Graph request id ${run.error_request_id})`;
  return `The sync failed: ${run.error_message ?? run.error_code ?? 'unknown error'}${requestId}`;
}
