/**
 * The database, as Kysely sees it. The same tables and queries run on SQLite and PostgreSQL, so the column types
 * stay portable:
 * - timestamps are ISO-8601 UTC text (`Date#toISOString()`, e.g. `2026-11-26T03:30:00.000Z`), which sorts and
 *   compares correctly as text; calendar days are `YYYY-MM-DD` text;
 * - booleans are integers 0/1 (`Flag`);
 * - structured values are JSON text (`Json`);
 * - counters are integers (PostgreSQL `bigint` is parsed back to a JS number by the store).
 * Migrations (src/store/migrations) are the source of truth for indexes and constraints.
 */
export type Flag = 0 | 1;
/** JSON text; parse with `JSON.parse`, write with `JSON.stringify`. */
export type Json = string;
/** ISO-8601 UTC timestamp text. */
export type Timestamp = string;
