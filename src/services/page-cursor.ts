import { ValidationError } from '../shared/errors.js';
import type { UserCursor } from '../store/user-repository.js';

/** Keyset cursors travel as opaque base64url text: callers pass back `nextCursor` as they got it. */
export function encodeCursor(cursor: UserCursor | undefined): string | null {
  if (cursor === undefined) return null;
  return Buffer.from(JSON.stringify([cursor.sortKey, cursor.id]), 'utf8').toString('base64url');
}

/** @throws {ValidationError} when the text is not a cursor this service issued. */
export function decodeCursor(text: string | undefined): UserCursor | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      // A cursor we issued never holds a NUL (nor can PostgreSQL compare with one).
      !parsed[0].includes('\u0000') &&
      !parsed[1].includes('\u0000')
    ) {
      return { sortKey: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    'Invalid input — cursor: not a cursor from a previous page; start from the first page.',
    [{ path: 'cursor', message: 'not a cursor from a previous page' }],
  );
}
