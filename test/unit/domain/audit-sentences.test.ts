import assert from 'node:assert/strict';
import { auditSentence } from '../../../src/domain/audit-sentences.js';
import { jargonIn } from '../../support/plain-language.js';

describe('audit entries as sentences', () => {
  it('names who did what to whom: "Megan Partner disabled Adele Cho."', () => {
    assert.equal(
      auditSentence({
        action: 'user.disable',
        actorName: 'Megan Partner',
        targetType: 'user',
        targetName: 'Adele Cho',
        clientName: 'Contoso',
        after: { collectionState: 'disabled' },
      }),
      'Megan Partner disabled Adele Cho.',
    );
    assert.equal(
      auditSentence({
        action: 'client.expiry_threshold',
        actorName: 'Megan Partner',
        targetType: 'client',
        targetName: null,
        clientName: 'Contoso',
        after: { days: 20 },
      }),
      'Megan Partner changed how many days without activity expire a user of Contoso.',
    );
  });

  it('says when an action failed, and never shows an action code for a known action', () => {
    assert.equal(
      auditSentence({
        action: 'user.block_sign_in',
        actorName: 'Megan Partner',
        targetType: 'user',
        targetName: 'Alex Costa',
        clientName: 'Contoso',
        after: { outcome: 'failed' },
      }),
      'Megan Partner blocked sign-in of Alex Costa — it failed.',
    );
    for (const action of ['group.report_import', 'integration.consent_link_created', 'licence.set_prices']) {
      const sentence = auditSentence({
        action,
        actorName: 'Megan Partner',
        targetType: 'group',
        targetName: 'Sales',
        clientName: 'Contoso',
        after: null,
      });
      assert.ok(!sentence.includes(action), sentence);
      assert.deepEqual(jargonIn(sentence), [], sentence);
    }
  });
});
