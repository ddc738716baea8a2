import assert from 'node:assert/strict';
import { memberChanges, toGroupItem, toUserItem } from '../../../src/sync/directory-mappers.js';

describe('directory mappers', () => {
  it('sorts @removed users into soft (changed) and hard (deleted) deletions', () => {
    assert.deepEqual(toUserItem({ id: 'a', '@removed': { reason: 'changed' } }), {
      kind: 'removed',
      id: 'a',
      state: 'soft_deleted',
    });
    assert.deepEqual(toUserItem({ id: 'b', '@removed': { reason: 'deleted' } }), {
      kind: 'removed',
      id: 'b',
      state: 'deleted',
    });
  });

  it('keeps only the properties a user item carries', () => {
    const item = toUserItem({ id: 'a', displayName: 'Ana', accountEnabled: false });
    assert.deepEqual(item, {
      kind: 'present',
      facts: { id: 'a', displayName: 'Ana', accountEnabled: false },
    });
  });

  it('reads Teams-enabled groups from resourceProvisioningOptions', () => {
    const item = toGroupItem({ id: 'g', displayName: 'Sales', resourceProvisioningOptions: ['Team'] });
    assert.equal(item.kind === 'present' && item.facts.isTeam, true);
  });

  it('splits members@delta into added and removed edges with their member types', () => {
    const changes = memberChanges({
      id: 'g',
      'members@delta': [
        { '@odata.type': '#microsoft.graph.user', id: 'u1' },
        { '@odata.type': '#microsoft.graph.group', id: 'g2' },
        { '@odata.type': '#microsoft.graph.device', id: 'd1' },
        { '@odata.type': '#microsoft.graph.user', id: 'u2', '@removed': { reason: 'deleted' } },
      ],
    });
    assert.deepEqual(
      changes.added.map((edge) => `${edge.memberId}:${edge.memberType}`),
      ['u1:user', 'g2:group', 'd1:other'],
    );
    assert.deepEqual(
      changes.removed.map((edge) => edge.memberId),
      ['u2'],
    );
  });
});
