import assert from 'node:assert/strict';
import {
  ADMIN_TRANSITIONS,
  COLLECTION_CONDITIONS,
  decideAdminAction,
  decideCollectionState,
  RECONCILE_TRANSITIONS,
  STATUS_KEYS,
  type CollectionStatus,
  type ReconcileFacts,
} from '../../../src/domain/collection-state.js';

const NOT_IMPORTED: CollectionStatus = { state: 'not_imported', reason: null };
const IMPORTED: CollectionStatus = { state: 'imported', reason: null };
const MANUAL: CollectionStatus = { state: 'disabled', reason: 'manual' };
const EXCLUDED: CollectionStatus = { state: 'disabled', reason: 'excluded_group' };
const DELETED: CollectionStatus = { state: 'disabled', reason: 'deleted_in_entra' };
const member: ReconcileFacts = {
  userType: 'Member',
  userPrincipalName: 'ann@contoso.com',
  entraState: 'active',
  inExcludedGroup: false,
};

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
      current: IMPORTED,
      facts: { ...member, entraState: 'deleted' },
      expected: DELETED,
    },
    {
      title: "an excluded member's reason stays excluded_group when it is deleted in Entra",
      current: EXCLUDED,
      facts: { ...member, entraState: 'deleted', inExcludedGroup: true },
      expected: EXCLUDED,
    },
    {
      title: 'a manually disabled member of a group being excluded becomes disabled for the group',
      current: MANUAL,
      facts: { ...member, inExcludedGroup: true },
      expected: EXCLUDED,
    },
    {
      title: 'an account without userType and with a #EXT# UPN is a guest: never imported',
      current: NOT_IMPORTED,
      facts: { ...member, userType: null, userPrincipalName: 'bo_fabrikam.com#EXT#@contoso.onmicrosoft.com' },
      expected: NOT_IMPORTED,
    },
    {
      title: 'an external member (#EXT#, userType Member) is imported like any member',
      current: NOT_IMPORTED,
      facts: { ...member, userPrincipalName: 'bo_fabrikam.com#EXT#@contoso.onmicrosoft.com' },
      expected: IMPORTED,
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

describe('the transition table of collection states (one place for rules 2–6)', () => {
  it('says for every condition and every status where a user goes', () => {
    for (const condition of COLLECTION_CONDITIONS) {
      for (const key of STATUS_KEYS) assert.notEqual(RECONCILE_TRANSITIONS[condition][key], undefined);
    }
  });

  it('never moves an excluded member anywhere but excluded_group', () => {
    for (const key of STATUS_KEYS) {
      const target = RECONCILE_TRANSITIONS.excluded_member[key];
      assert.ok(target === 'keep' || target === 'disabled:excluded_group', key);
    }
  });
});

describe('admin actions on one user (rules 4, 5)', () => {
  const table: {
    title: string;
    action: 'import' | 'disable';
    current: CollectionStatus;
    expected: string;
  }[] = [
    {
      title: 'importing a not-imported user imports it',
      action: 'import',
      current: NOT_IMPORTED,
      expected: 'to imported',
    },
    {
      title: 'importing an imported user changes nothing',
      action: 'import',
      current: IMPORTED,
      expected: 'unchanged',
    },
    {
      title: 'importing a manually disabled user undoes the disable',
      action: 'import',
      current: MANUAL,
      expected: 'to imported',
    },
    {
      title: 'disabling an imported user disables it by hand',
      action: 'disable',
      current: IMPORTED,
      expected: 'to disabled:manual',
    },
    {
      title: 'disabling a manually disabled user changes nothing',
      action: 'disable',
      current: MANUAL,
      expected: 'unchanged',
    },
    {
      title: 'disabling a user never imported is refused with the reason',
      action: 'disable',
      current: NOT_IMPORTED,
      expected: 'refused user_not_collected',
    },
    {
      title: 'disabling an excluded member is refused: its reason stays excluded_group',
      action: 'disable',
      current: EXCLUDED,
      expected: 'refused user_excluded',
    },
    {
      title: 'disabling a user deleted in Entra is refused',
      action: 'disable',
      current: DELETED,
      expected: 'refused user_deleted',
    },
  ];
  for (const row of table) {
    it(row.title, () => {
      const outcome = decideAdminAction(row.action, row.current);
      const text =
        outcome.kind === 'to'
          ? `to ${outcome.status}`
          : outcome.kind === 'refused'
            ? `refused ${outcome.code}`
            : 'unchanged';
      assert.equal(text, row.expected);
    });
  }

  it('imports only eligible users', () => {
    for (const key of STATUS_KEYS) {
      const outcome = ADMIN_TRANSITIONS.import[key];
      if (outcome.kind === 'to') assert.equal(outcome.needsEligible, true, key);
    }
  });
});
