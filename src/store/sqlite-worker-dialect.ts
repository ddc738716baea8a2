import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';

/**
 * Kysely's SQLite dialect with the database in a worker thread (src/store/sqlite-worker.mjs owns the better-sqlite3
 * connection): every statement is asynchronous for the event loop, so a 300 ms commit of a directory sync no longer
 * stalls the Graph page chains, the bot or the tab while it runs.
 *
 * Written here rather than taken from `kysely-sqlite-worker` (0.4.7, its only published version): that package
 * needs Kysely 0.26, prepares every statement afresh, has no pragmas, and its errors lose SQLite's `code`, which
 * {@link isUniqueViolation} relies on.
 *
 * Like Kysely's own SQLite driver: one connection, taken by one query or transaction at a time (a mutex).
 */
export class SqliteWorkerDialect implements Dialect {
  constructor(private readonly options: { readonly file: string; readonly pragmas: readonly string[] }) {}

  createDriver(): Driver {
    return new SqliteWorkerDriver(this.options.file, this.options.pragmas);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

interface WorkerError {
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
}
type Reply =
  | { readonly id: number; readonly rows: unknown[] }
  | { readonly id: number; readonly changes: number; readonly lastInsertRowid: number | bigint }
  | { readonly id: number; readonly error: WorkerError }
  | { readonly id: number; readonly closed: true };
type Started = { readonly ready: true } | { readonly ready: false; readonly error: WorkerError };

/** The worker as the build leaves it: beside this module (dist/src/store, or dist/src/cli for the bundled CLI). */
const WORKER_URL = new URL('./sqlite-worker.mjs', import.meta.url);

class SqliteWorkerDriver implements Driver {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  private failure: Error | undefined;
  private next = 0;
  private readonly mutex = new Mutex();
  private readonly connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      const reply = await this.send({ sql: query.sql, parameters: query.parameters });
      if ('rows' in reply) return { rows: reply.rows as R[] };
      if ('changes' in reply) {
        return { rows: [], numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.lastInsertRowid) };
      }
      throw new Error('unexpected reply from the SQLite worker');
    },
    streamQuery: () => {
      throw new Error('stream() is not supported on SQLite: read in pages');
    },
  };

  constructor(
    private readonly file: string,
    private readonly pragmas: readonly string[],
  ) {}

  async init(): Promise<void> {
    // No inherited execArgv: the worker is plain JavaScript and needs no TypeScript loader (tsx) of the parent.
    const worker = new Worker(WORKER_URL, {
      workerData: { file: this.file, pragmas: this.pragmas },
      execArgv: [],
    });
    const started = await new Promise<Started>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the SQLite worker exited before it was ready (code ${code})`));
      });
    });
    if (!started.ready) {
      await worker.terminate();
      throw rebuild(started.error);
    }
    this.worker = worker;
    worker.on('message', (reply: Reply) => {
      this.settle(reply);
    });
    worker.on('error', (error) => {
      this.fail(error);
    });
    worker.on('exit', (code) => {
      this.fail(new Error(`the SQLite worker exited (code ${code})`));
    });
    // Held only while a statement is under way: an idle store must not keep the process alive.
    worker.unref();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return this.connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  releaseConnection(): Promise<void> {
    this.mutex.unlock();
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    if (this.failure === undefined) await this.send({ close: true }).catch(() => undefined);
    this.failure ??= new Error('the store is closed');
    this.worker = undefined;
    await worker.terminate();
  }

  private send(message: { sql: string; parameters: readonly unknown[] } | { close: true }): Promise<Reply> {
    const worker = this.worker;
    if (this.failure !== undefined || worker === undefined) {
      return Promise.reject(this.failure ?? new Error('the store is not open'));
    }
    const id = ++this.next;
    return new Promise<Reply>((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('error' in reply) waiting.reject(rebuild(reply.error));
    else waiting.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

/** The worker's error on this thread, with the caller's stack and better-sqlite3's `code` (SQLITE_CONSTRAINT_…). */
function rebuild(error: WorkerError): Error {
  const rebuilt = new Error(error.message) as Error & { code?: string };
  rebuilt.name = error.name;
  if (error.code !== undefined) rebuilt.code = error.code;
  return rebuilt;
}

/** One holder at a time (as in Kysely's own SQLite driver). */
class Mutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held !== undefined) await this.held;
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}
