// The thread that owns a SQLite database (better-sqlite3) for src/store/sqlite-worker-dialect.ts, so that no
// statement or commit runs on the event-loop thread. Plain JavaScript: it starts the same way from the sources
// (through tsx a worker took seconds to start), from the compiled build and beside the bundled CLI.
//
// workerData: { file, pragmas: string[] }. Messages in: { id, sql, parameters } | { id, close: true }.
// Messages out: { ready: true } | { ready: false, error } once, then one per message in: { id, rows } |
// { id, changes, lastInsertRowid } | { id, error: { name, message, code } } | { id, closed: true }.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

/** @typedef {{ id: number, sql?: string, parameters?: unknown[], close?: boolean }} Message */

/** @type {{ file: string, pragmas: readonly string[] }} */
const { file, pragmas } = workerData;
const port = parentPort;
if (port === null) throw new Error('sqlite-worker.mjs runs only as a worker thread');

// Compiling the same SQL again and again cost a tenth of the time of a busy server: statements are reused by their
// SQL text, the least recently used ones dropped.
const CAPACITY = 1000;
/** @type {Map<string, import('better-sqlite3').Statement>} */
const statements = new Map();

const connection = open();
if (connection !== undefined) {
  port.on('message', (/** @type {Message} */ message) => {
    serve(connection, message);
  });
}

/** The database with its pragmas; undefined (told to the main thread, and the worker ends) when it cannot open. */
function open() {
  try {
    const opened = new SqliteDatabase(file);
    for (const pragma of pragmas) opened.pragma(pragma);
    port?.postMessage({ ready: true });
    return opened;
  } catch (error) {
    port?.postMessage({ ready: false, error: describe(error) });
    return undefined;
  }
}

/**
 * @param {import('better-sqlite3').Database} database
 * @param {Message} message
 */
function serve(database, message) {
  const { id } = message;
  if (message.close === true) {
    statements.clear();
    database.close();
    port?.postMessage({ id, closed: true });
    port?.close();
    return;
  }
  try {
    const statement = prepare(database, message.sql ?? '');
    const parameters = message.parameters ?? [];
    if (statement.reader) {
      port?.postMessage({ id, rows: statement.all(parameters) });
    } else {
      const { changes, lastInsertRowid } = statement.run(parameters);
      port?.postMessage({ id, changes, lastInsertRowid });
    }
  } catch (error) {
    port?.postMessage({ id, error: describe(error) });
  }
}

/**
 * @param {import('better-sqlite3').Database} database
 * @param {string} sql
 */
function prepare(database, sql) {
  const cached = statements.get(sql);
  if (cached !== undefined) {
    statements.delete(sql);
    statements.set(sql, cached);
    return cached;
  }
  const statement = database.prepare(sql);
  statements.set(sql, statement);
  if (statements.size > CAPACITY) {
    const oldest = statements.keys().next();
    if (oldest.done !== true) statements.delete(oldest.value);
  }
  return statement;
}

/**
 * The error as the main thread rebuilds it, with better-sqlite3's `code` (SQLITE_CONSTRAINT_UNIQUE…).
 * @param {unknown} error
 */
function describe(error) {
  if (error instanceof Error) {
    const { code } = /** @type {{ code?: unknown }} */ (error);
    return { name: error.name, message: error.message, code: typeof code === 'string' ? code : undefined };
  }
  return { name: 'Error', message: String(error), code: undefined };
}
