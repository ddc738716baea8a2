import assert from 'node:assert/strict';
import type { PermissionCheck } from '../../../src/contracts/integrations.js';
import { permissionWords } from '../../../src/contracts/permission-words.js';

describe('permissionWords: a connection’s permissions in one line', () => {
  const line = (permission: string, passed: boolean): PermissionCheck => ({
    name: `Permission ${permission}`,
    permission,
    passed,
    reason: passed ? 'Granted.' : 'Not granted.',
  });
  const signIn: PermissionCheck = { name: 'Sign in', passed: true, reason: 'A token was issued.' };

  it('counts only the permission lines, and names the missing ones', () => {
    assert.equal(
      permissionWords([signIn, line('User.Read.All', true), line('Group.Read.All', true)], 'with X'),
      '2 of 2 granted',
    );
    assert.equal(
      permissionWords(
        [
          signIn,
          line('User.Read.All', true),
          line('AuditLog.Read.All', false),
          line('Team.ReadBasic.All', false),
        ],
        'with X',
      ),
      '1 of 3 granted — missing AuditLog.Read.All, Team.ReadBasic.All',
    );
  });

  it('says how to check them when nothing was checked, and what stopped a check that did not reach them', () => {
    assert.equal(
      permissionWords([], 'with Test connection'),
      'not checked yet: check them with Test connection',
    );
    assert.equal(
      permissionWords([{ ...signIn, passed: false }], 'with `integrations test`'),
      'not checked: the last check stopped before them (Sign in failed)',
    );
  });
});
