import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type AppDatabase } from '../../../src/store/database.js';
import { isUniqueViolation } from '../../../src/store/unique-violation.js';

/** SQLite runs in a worker thread (src/store/sqlite-worker-dialect.ts): what the store relies on still holds. */
describe('SQLite in its worker thread', function () {
  let dir: string;
  let database: AppDatabase;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-sqlite-worker-'));
    database = await openDatabase({ kind: 'sqlite', path: path.join(dir, 'app.db') }, { migrate: false });
    await sql`create table t (id integer primary key, name text not null unique)`.execute(database.db);
  });

  after(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies the pragmas in the worker: WAL journal, NORMAL synchronous, 64 MB autocheckpoint', async () => {
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    const synchronous = await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db);
    const checkpoint = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
      database.db,
    );
    assert.equal(journal.rows[0]?.journal_mode, 'wal');
    assert.equal(synchronous.rows[0]?.synchronous, 1);
    assert.equal(checkpoint.rows[0]?.wal_autocheckpoint, 16384);
  });

  it('answers changes and row ids of writes, and rows of reads, with their parameters', async () => {
    const inserted = await sql`insert into t (name) values (${'ada'}), (${'bob'})`.execute(database.db);
    assert.equal(inserted.numAffectedRows, 2n);
    assert.equal(inserted.insertId, 2n);
    const read = await sql<{
      id: number;
      name: string;
    }>`select id, name from t where name = ${'bob'}`.execute(database.db);
    assert.deepEqual(read.rows, [{ id: 2, name: 'bob' }]);
  });

  it('keeps SQLite’s error code, so a unique violation is still recognised, and the connection goes on', async () => {
    const error = await sql`insert into t (name) values (${'ada'})`.execute(database.db).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof Error);
    assert.equal((error as { code?: unknown }).code, 'SQLITE_CONSTRAINT_UNIQUE');
    assert.match(error.message, /UNIQUE constraint failed: t\.name/);
    assert.equal(isUniqueViolation(error), true);
    const count = await sql<{ n: number }>`select count(*) as n from t`.execute(database.db);
    assert.equal(count.rows[0]?.n, 2);
  });

  it('commits a transaction as one, and rolls back all of it when its function throws', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into t (name) values (${'cy'})`.execute(trx);
    });
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into t (name) values (${'dee'})`.execute(trx);
        await sql`insert into t (name) values (${'ada'})`.execute(trx);
      }),
      (error: unknown) => isUniqueViolation(error),
    );
    const names = await sql<{ name: string }>`select name from t order by id`.execute(database.db);
    assert.deepEqual(
      names.rows.map((row) => row.name),
      ['ada', 'bob', 'cy'],
    );
  });

  it('keeps each :memory: store its own database, and refuses statements once closed', async () => {
    const first = await openDatabase({ kind: 'sqlite', path: ':memory:' }, { migrate: false });
    const second = await openDatabase({ kind: 'sqlite', path: ':memory:' }, { migrate: false });
    try {
      await sql`create table only_here (x integer)`.execute(first.db);
      await first.ping();
      const tables = await sql<{
        name: string;
      }>`select name from sqlite_master where name = 'only_here'`.execute(second.db);
      assert.deepEqual(tables.rows, []);
    } finally {
      await first.close();
      await second.close();
    }
    await assert.rejects(first.ping());
  });

  it('says why when the file is not a database, with SQLite’s code', async () => {
    const file = path.join(dir, 'not-a-database.db');
    fs.writeFileSync(
      file,
      'this is not a SQLite database, only a text file long enough to be read as a header.\n'.repeat(20),
    );
    const opened = await openDatabase({ kind: 'sqlite', path: file }, { migrate: false });
    try {
      await assert.rejects(opened.ping(), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal((error as { code?: unknown }).code, 'SQLITE_NOTADB');
        assert.match(error.message, /not a database/);
        return true;
      });
    } finally {
      await opened.close();
    }
  });
});
