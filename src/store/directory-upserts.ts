import { CompiledQuery, SqliteAdapter, type Kysely } from 'kysely';
import type { Edge, GroupFacts, UserFacts } from '../domain/directory-facts.js';
import type { Database, Flag } from './schema.js';

/**
 * The sync's multi-row upserts of users, groups and direct edges, as plain SQL built once per engine and row count
 * and executed with the row values as parameters. A full sync writes some 350k rows for a 100k-user tenant: having
 * Kysely parse, validate and compile every row of every statement cost about as much CPU as SQLite's own work on
 * the columns; the text built here is the same `insert … on conflict … do update` Kysely wrote (and SQLite's
 * statement cache in database.ts reuses its compiled form).
 */

/** Bound parameters per statement: well under SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const PARAMETERS = 8_000;

interface UpsertSpec {
  readonly table: 'directory_users' | 'directory_groups' | 'group_members';
  readonly columns: readonly string[];
  /** The key the rows conflict on. */
  readonly key: readonly string[];
  /** Columns besides the key that a conflicting row keeps as stored; every other column takes the new value. */
  readonly keep: readonly string[];
  /** The columns holding Entra's facts: a row seen again is "changed" when one of them differs. */
  readonly facts: readonly string[];
}

/** The columns of a user row holding Entra's facts (what a sync writes and compares). */
export const USER_FACT_COLUMNS = [
  'display_name',
  'user_principal_name',
  'mail',
  'user_type',
  'account_enabled',
  'department',
  'job_title',
  'created_date_time',
  'on_premises_sync',
] as const;

/** The same for a group row. */
export const GROUP_FACT_COLUMNS = [
  'display_name',
  'description',
  'mail',
  'mail_enabled',
  'security_enabled',
  'group_types',
  'is_team',
] as const;

const USERS: UpsertSpec = {
  table: 'directory_users',
  columns: [
    'client_id',
    'id',
    ...USER_FACT_COLUMNS,
    'entra_state',
    'collection_state',
    'search_text',
    'seen_generation',
    'updated_at',
  ],
  key: ['client_id', 'id'],
  // The collection state belongs to the rules: a user seen again keeps it.
  keep: ['collection_state'],
  facts: USER_FACT_COLUMNS,
};

const GROUPS: UpsertSpec = {
  table: 'directory_groups',
  columns: [
    'client_id',
    'id',
    ...GROUP_FACT_COLUMNS,
    'entra_state',
    'reporting_enabled',
    'search_text',
    'seen_generation',
    'updated_at',
  ],
  key: ['client_id', 'id'],
  // Reporting is the admin's choice: a group seen again keeps it.
  keep: ['reporting_enabled'],
  facts: GROUP_FACT_COLUMNS,
};

const EDGES: UpsertSpec = {
  table: 'group_members',
  columns: ['client_id', 'group_id', 'member_id', 'member_type', 'seen_generation'],
  key: ['client_id', 'group_id', 'member_id'],
  keep: [],
  facts: [],
};

/** Statement texts by spec, engine and row count. */
const texts = new Map<string, string>();

function statementText(spec: UpsertSpec, sqlite: boolean, rows: number): string {
  const cacheKey = `${spec.table}|${sqlite ? 's' : 'p'}|${String(rows)}`;
  const cached = texts.get(cacheKey);
  if (cached !== undefined) return cached;
  const quote = (name: string): string => `"${name}"`;
  const width = spec.columns.length;
  const tuples: string[] = [];
  for (let row = 0; row < rows; row++) {
    const slots: string[] = [];
    for (let column = 1; column <= width; column++)
      slots.push(sqlite ? '?' : `$${String(row * width + column)}`);
    tuples.push(`(${slots.join(', ')})`);
  }
  const text =
    `insert into ${quote(spec.table)} (${spec.columns.map(quote).join(', ')}) values ${tuples.join(', ')} ` +
    `on conflict (${spec.key.map(quote).join(', ')}) do update set ` +
    spec.columns
      .filter((column) => !spec.key.includes(column) && !spec.keep.includes(column))
      .map((column) => `${quote(column)} = "excluded".${quote(column)}`)
      .join(', ');
  texts.set(cacheKey, text);
  return text;
}

function specOf(table: UpsertSpec['table']): UpsertSpec {
  return table === 'directory_users' ? USERS : table === 'directory_groups' ? GROUPS : EDGES;
}

/** Rows per statement for a spec. */
export function rowsPerStatement(table: UpsertSpec['table']): number {
  return Math.floor(PARAMETERS / specOf(table).columns.length);
}

/** Two rows of a table (as {@link userRow} or {@link groupRow} build them) hold different Entra facts. */
export function factsDiffer(
  table: UpsertSpec['table'],
  before: readonly unknown[],
  after: readonly unknown[],
): boolean {
  const spec = specOf(table);
  return spec.facts.some((column) => {
    const slot = spec.columns.indexOf(column);
    return before[slot] !== after[slot];
  });
}

async function upsert(db: Kysely<Database>, spec: UpsertSpec, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.executeQuery(CompiledQuery.raw(statementText(spec, sqlite, rows.length), rows.flat()));
}

/** The values of a user row, in {@link USERS}' column order. */
export function userRow(
  clientId: string,
  facts: UserFacts,
  generation: number,
  updatedAt: string,
): unknown[] {
  return [
    clientId,
    facts.id,
    facts.displayName ?? null,
    facts.userPrincipalName ?? null,
    facts.mail ?? null,
    facts.userType ?? null,
    flag(facts.accountEnabled ?? true),
    facts.department ?? null,
    facts.jobTitle ?? null,
    facts.createdDateTime ?? null,
    flag(facts.onPremisesSynced ?? false),
    'active',
    'not_imported',
    searchText(facts.displayName, facts.userPrincipalName, facts.mail),
    generation,
    updatedAt,
  ];
}

/** The values of a group row, in {@link GROUPS}' column order. */
export function groupRow(
  clientId: string,
  facts: GroupFacts,
  generation: number,
  updatedAt: string,
): unknown[] {
  return [
    clientId,
    facts.id,
    facts.displayName ?? null,
    facts.description ?? null,
    facts.mail ?? null,
    flag(facts.mailEnabled ?? false),
    flag(facts.securityEnabled ?? false),
    JSON.stringify(facts.groupTypes ?? []),
    flag(facts.isTeam ?? false),
    'active',
    0,
    searchText(facts.displayName, facts.mail),
    generation,
    updatedAt,
  ];
}

/** The values of an edge row, in {@link EDGES}' column order. */
export function edgeRow(clientId: string, edge: Edge, generation: number): unknown[] {
  return [clientId, edge.groupId, edge.memberId, edge.memberType, generation];
}

export const upsertUserRows = (db: Kysely<Database>, rows: readonly unknown[][]): Promise<void> =>
  upsert(db, USERS, rows);
export const upsertGroupRows = (db: Kysely<Database>, rows: readonly unknown[][]): Promise<void> =>
  upsert(db, GROUPS, rows);
export const upsertEdgeRows = (db: Kysely<Database>, rows: readonly unknown[][]): Promise<void> =>
  upsert(db, EDGES, rows);

/** Lower-cased display name, UPN and mail (or group name and mail), for search. */
export function searchText(...parts: readonly (string | null | undefined)[]): string {
  return parts
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .join(' ')
    .toLowerCase();
}

function flag(value: boolean): Flag {
  return value ? 1 : 0;
}
