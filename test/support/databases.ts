import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type AppDatabase } from '../../src/store/database.js';
import type { StoreConfig } from '../../src/config/load-config.js';

/** The PostgreSQL every machine of this project runs (trust auth). Override with TEST_DATABASE_URL. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type EngineName = 'sqlite' | 'postgres';
export const engines: readonly EngineName[] = ['sqlite', 'postgres'];

/** A fresh, isolated store configuration: a new SQLite file, or a new PostgreSQL schema. */
export function freshStoreConfig(engine: EngineName): StoreConfig {
  const suffix = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (engine === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-test-'));
    return { kind: 'sqlite', path: path.join(dir, 'app.db') };
  }
  return { kind: 'postgres', url: testPostgresUrl, schema: `t_${suffix}` };
}

/** Removes what {@link freshStoreConfig} created. */
export async function dropStore(config: StoreConfig): Promise<void> {
  if (config.kind === 'sqlite') {
    fs.rmSync(path.dirname(config.path), { recursive: true, force: true });
    return;
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${config.schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** A migrated, empty database on the given engine, and its disposal. */
export async function openTestDatabase(
  engine: EngineName,
): Promise<{ database: AppDatabase; dispose: () => Promise<void> }> {
  const config = freshStoreConfig(engine);
  const database = await openDatabase(config);
  return {
    database,
    dispose: async () => {
      await database.close();
      await dropStore(config);
    },
  };
}

/**
 * Declares the same suite once per engine, each with its own isolated, migrated database:
 * `describeEachEngine('client repository', (ctx) => { it('…', async () => { ctx.database.db … }) })`.
 * A fresh database per suite (not per test): tests inside should create their own rows (new client ids).
 */
export function describeEachEngine(
  title: string,
  body: (context: { readonly database: AppDatabase; readonly engine: EngineName }) => void,
): void {
  for (const engine of engines) {
    describe(`${title} [${engine}]`, function () {
      let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
      const context = {
        engine,
        get database(): AppDatabase {
          if (opened === undefined) throw new Error('database not open yet');
          return opened.database;
        },
      };
      before(async () => {
        opened = await openTestDatabase(engine);
      });
      after(async () => {
        await opened?.dispose();
      });
      body(context);
    });
  }
}
