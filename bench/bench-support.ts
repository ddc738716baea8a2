import pg from 'pg';

/** Drops a PostgreSQL schema a benchmark created. */
export async function dropStoreSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
