import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';

/**
 * Facts kept as facts, so that no code reads them back from an English sentence:
 * - `sync_runs.error_details`: the structured facts of a failed run's error (`AppError.details`, JSON), e.g. the
 *   permissions a `permission_missing` names;
 * - each stored connection check that tests a Graph permission names it in `permission`.
 * Rows written before this migration get both once, here, from the texts of that time.
 */
export async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('error_details', 'text').execute();
  const store = db as Kysely<Tables>;

  // PermissionError's message of that time: "…application permission(s) A, B. In the Entra admin center…".
  const refused = await store
    .selectFrom('sync_runs')
    .select(['id', 'error_message'])
    .where('error_code', '=', 'permission_missing')
    .execute();
  for (const run of refused) {
    const names = /application permissions? ([\w.]+(?:, [\w.]+)*)\./.exec(run.error_message ?? '')?.[1];
    if (names === undefined) continue;
    await store
      .updateTable('sync_runs')
      .set({ error_details: JSON.stringify({ missing: names.split(', ') }) })
      .where('id', '=', run.id)
      .execute();
  }

  // The check's label of that time: "Permission User.Read.All".
  const label = 'Permission ';
  const integrations = await store
    .selectFrom('integrations')
    .select(['client_id', 'permission_checks'])
    .execute();
  for (const integration of integrations) {
    const checks = parseChecks(integration.permission_checks);
    if (checks === undefined) continue;
    const named = checks.map((check) =>
      typeof check.name === 'string' && check.name.startsWith(label) && check.permission === undefined
        ? { ...check, permission: check.name.slice(label.length) }
        : check,
    );
    await store
      .updateTable('integrations')
      .set({ permission_checks: JSON.stringify(named) })
      .where('client_id', '=', integration.client_id)
      .execute();
  }
}

interface Tables {
  sync_runs: {
    id: number;
    error_code: string | null;
    error_message: string | null;
    error_details: string | null;
  };
  integrations: { client_id: string; permission_checks: string };
}

function parseChecks(text: string): Record<string, unknown>[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : undefined;
  } catch {
    return undefined;
  }
}
