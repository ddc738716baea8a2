/**
 * Whether a store error is a unique-constraint violation (PostgreSQL `unique_violation` 23505; better-sqlite3
 * `SQLITE_CONSTRAINT_UNIQUE` / `_PRIMARYKEY`): the loser of a race the database decided.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
