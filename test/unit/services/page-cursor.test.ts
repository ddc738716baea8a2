import assert from 'node:assert/strict';
import { decodeCursor, encodeCursor } from '../../../src/services/page-cursor.js';
import { ValidationError } from '../../../src/shared/errors.js';

describe('page cursors', () => {
  it('round-trips the last row of a page', () => {
    const cursor = { sortKey: 'Zoë "Z" Müller', id: '0f0f0f0f-1111-4222-8333-444444444444' };
    assert.deepEqual(decodeCursor(encodeCursor(cursor) ?? ''), cursor);
  });

  it('has no cursor after the last page', () => {
    assert.equal(encodeCursor(undefined), null);
    assert.equal(decodeCursor(undefined), undefined);
  });

  for (const text of [
    'not-base64!',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
  ]) {
    it(`refuses a cursor it did not issue (${text.slice(0, 10)}…)`, () => {
      assert.throws(
        () => decodeCursor(text),
        (error: unknown) => error instanceof ValidationError && error.message.includes('cursor'),
      );
    });
  }
});
