import fs from 'node:fs';
import path from 'node:path';
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { StoreConfig } from '../config/load-config.js';
import { AppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { migrations } from './migrations/index.js';
import { OwnSchemaPostgresDialect } from './postgres-own-schema.js';
import type { SqlDialect } from './dialect.js';
import { SqliteWorkerDialect } from './sqlite-worker-dialect.js';
import type { Database } from './schema.js';

/** An open store: the Kysely handle every repository uses, which engine it is, and how to close it. */
export interface AppDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
  /** The PostgreSQL schema in use (`public` by default); undefined for SQLite. */
  readonly schema: string | undefined;
  /** Cheap round trip for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  readonly logger?: Logger;
  /** Run pending migrations (default true). */
  readonly migrate?: boolean;
  /** PostgreSQL: connections in the pool (default 10). */
  readonly connections?: number;
}

/**
 * Opens the store named by the configuration (SQLite file or PostgreSQL), creating what is missing (folder,
 * schema) and running pending migrations.
 * @throws {AppError} `store_unavailable` when the database cannot be reached or migrated.
 */
export async function openDatabase(
  config: StoreConfig,
  options: OpenDatabaseOptions = {},
): Promise<AppDatabase> {
  const opened =
    config.kind === 'sqlite'
      ? openSqlite(config.path)
      : await openPostgres(config.url, config.schema, options.connections ?? 10);
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(opened, options.logger);
    } catch (error) {
      await opened.close();
      throw error;
    }
  }
  return opened;
}

function openSqlite(file: string): AppDatabase {
  if (file !== ':memory:') ownerOnly(file);
  const db = new Kysely<Database>({ dialect: new SqliteWorkerDialect({ file, pragmas: SQLITE_PRAGMAS }) });
  return {
    db,
    dialect: 'sqlite',
    schema: undefined,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

const SQLITE_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 10000',
  'cache_size = -65536',
  'temp_store = MEMORY',
  // Checkpoint the WAL every 64 MB rather than every 4 MB: a sync's commits each touch thousands of index pages,
  // and a checkpoint (with its fsync) after nearly every commit doubled their cost.
  'wal_autocheckpoint = 16384',
];

/**
 * The directory copy (names, UPNs, sign-ins, MFA state) is readable by this account only: the folder is created 0700
 * and the database 0600 before SQLite opens it — SQLite creates its -wal and -shm files with the database's mode.
 * Files left with wider modes by an earlier version are narrowed.
 */
function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, '', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
  for (const companion of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(companion).mode & 0o077) !== 0) fs.chmodSync(companion, 0o600);
    } catch {
      // Not there (yet): SQLite creates it with the database's mode.
    }
  }
}

/** PostgreSQL `bigint` and `numeric` (counts, sums) come back as JS numbers, as they do from SQLite. */
const toNumber = (value: string): number => Number(value);
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format: 'text' | 'binary' = 'text'): unknown => {
    if (oid === 20 || oid === 1700) return toNumber;
    return (pg.types.getTypeParser as (oid: number, format: string) => unknown)(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

async function openPostgres(url: string, schema: string, connections: number): Promise<AppDatabase> {
  const quoted = `"${schema}"`;
  const bootstrap = new pg.Client({ connectionString: url });
  try {
    await bootstrap.connect();
    await bootstrap.query(`create schema if not exists ${quoted}`);
  } catch (error) {
    throw new AppError('store_unavailable', `PostgreSQL is not reachable: ${describe(error)}`, {
      status: 503,
      retryable: true,
      cause: error,
    });
  } finally {
    await bootstrap.end().catch(() => undefined);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: connections,
    types: pgTypes,
    options: `-c search_path=${quoted}`,
  });
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }, schema) });
  return {
    db,
    dialect: 'postgres',
    schema,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

async function migrateToLatest(opened: AppDatabase, logger: Logger | undefined): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: () => {
      const bound: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(migrations)) {
        bound[name] = { up: (db) => migration.up(db, opened.dialect) };
      }
      return Promise.resolve(bound);
    },
  };
  const migrator = new Migrator({
    db: opened.db,
    provider,
    ...(opened.schema === undefined ? {} : { migrationTableSchema: opened.schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') logger?.info({ migration: result.migrationName }, 'migration applied');
  }
  if (error !== undefined) {
    throw new AppError('store_unavailable', `Database migration failed: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
