import assert from 'node:assert/strict';
import { neutraliseFormula } from '../../../src/services/audit-log-service.js';

describe('CSV formula neutralisation', () => {
  for (const cell of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', '=HYPERLINK("http://evil")']) {
    it(`prefixes ${JSON.stringify(cell)} so a spreadsheet shows it as text`, () => {
      assert.equal(neutraliseFormula(cell), `'${cell}`);
    });
  }
  for (const cell of ['group.exclude', 'Contoso', '2026-11-26T12:00:00.000Z', '', '{"a":1}']) {
    it(`leaves ${JSON.stringify(cell)} as it is`, () => {
      assert.equal(neutraliseFormula(cell), cell);
    });
  }
});
