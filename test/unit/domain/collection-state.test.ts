import assert from 'node:assert/strict';
import {
  decideCollectionState,
  type CollectionStatus,
  type ReconcileFacts,
} from '../../../src/domain/collection-state.js';

const NOT_IMPORTED: CollectionStatus = { state: 'not_imported', reason: null };
const IMPORTED: CollectionStatus = { state: 'imported', reason: null };
const MANUAL: CollectionStatus = { state: 'disabled', reason: 'manual' };
const EXCLUDED: CollectionStatus = { state: 'disabled', reason: 'excluded_group' };
const DELETED: CollectionStatus = { state: 'disabled', reason: 'deleted_in_entra' };
const member: ReconcileFacts = { userType: 'Member', entraState: 'active', inExcludedGroup: false };

describe('collection state after a sync (rules 2, 3, 5, 6)', () => {
  const table: {
    title: string;
    current: CollectionStatus;
    facts: ReconcileFacts;
    autoImport?: boolean;
    expected: CollectionStatus;
  }[] = [
    {
      title: 'a new eligible user is imported automatically',
      current: NOT_IMPORTED,
      facts: member,
      expected: IMPORTED,
    },
    {
      title: 'before the initial import starts, eligible users wait',
      current: NOT_IMPORTED,
      facts: member,
      autoImport: false,
      expected: NOT_IMPORTED,
    },
    { title: 'an imported user stays imported', current: IMPORTED, facts: member, expected: IMPORTED },
    { title: 'a manual disable sticks through syncs', current: MANUAL, facts: member, expected: MANUAL },
    {
      title: 'a manual disable sticks even when the user is deleted in Entra',
      current: MANUAL,
      facts: { ...member, entraState: 'soft_deleted' },
      expected: MANUAL,
    },
    {
      title: 'guests are never imported',
      current: NOT_IMPORTED,
      facts: { ...member, userType: 'Guest' },
      expected: NOT_IMPORTED,
    },
    {
      title: 'a user that became a guest stops being collected',
      current: IMPORTED,
      facts: { ...member, userType: 'Guest' },
      expected: NOT_IMPORTED,
    },
    {
      title: 'a member of an excluded group is disabled (nested membership is resolved by the closure)',
      current: IMPORTED,
      facts: { ...member, inExcludedGroup: true },
      expected: EXCLUDED,
    },
    {
      title: 'a new member of an excluded group is never imported',
      current: NOT_IMPORTED,
      facts: { ...member, inExcludedGroup: true },
      expected: EXCLUDED,
    },
    {
      title: 'excluded members are disabled before the initial import too',
      current: NOT_IMPORTED,
      facts: { ...member, inExcludedGroup: true },
      autoImport: false,
      expected: EXCLUDED,
    },
    {
      title: 'a user that left every excluded group is imported again',
      current: EXCLUDED,
      facts: member,
      expected: IMPORTED,
    },
    {
      title: 'a soft-deleted user is disabled as deleted in Entra',
      current: IMPORTED,
      facts: { ...member, entraState: 'soft_deleted' },
      expected: DELETED,
    },
    {
      title: 'a hard-deleted user is disabled as deleted in Entra',
      current: EXCLUDED,
      facts: { ...member, entraState: 'deleted', inExcludedGroup: true },
      expected: DELETED,
    },
    { title: 'a restored user comes back as imported', current: DELETED, facts: member, expected: IMPORTED },
    {
      title: 'a restored user that is in an excluded group comes back disabled for that group',
      current: DELETED,
      facts: { ...member, inExcludedGroup: true },
      expected: EXCLUDED,
    },
    {
      title: 'a restored user waits as not imported before the initial import',
      current: DELETED,
      facts: member,
      autoImport: false,
      expected: NOT_IMPORTED,
    },
    {
      title: 'a restored guest is not imported',
      current: DELETED,
      facts: { ...member, userType: 'Guest' },
      expected: NOT_IMPORTED,
    },
  ];
  for (const row of table) {
    it(row.title, () => {
      assert.deepEqual(
        decideCollectionState(row.current, row.facts, { autoImport: row.autoImport ?? true }),
        row.expected,
      );
    });
  }
});
