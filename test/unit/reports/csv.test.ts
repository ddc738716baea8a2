import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { neutraliseCell, toCsv } from '../../../src/shared/csv.js';

describe('CSV export', () => {
  for (const cell of [
    '=1+1',
    '+SUM(A1)',
    '-2+3',
    '@cmd',
    '\tx',
    '\rx',
    '\nx',
    '=HYPERLINK("http://evil","x")',
    ' =1+1',
    '  \t=cmd|/C calc',
    '\n=2+2',
    '＝3+3',
    '＋1',
    '－1',
    '＠SUM(A1)',
    '\u3000=1',
  ]) {
    it(`neutralises ${JSON.stringify(cell)} with a leading apostrophe`, () => {
      assert.equal(neutraliseCell(cell), `'${cell}`);
    });
  }
  for (const cell of [
    'Contoso',
    'a=b',
    'x-y',
    '2026-11-26',
    '',
    'Zoë Ørsted',
    ' plain',
    'line\n=not first',
    '{"a":1}',
  ]) {
    it(`leaves ${JSON.stringify(cell)} as it is`, () => {
      assert.equal(neutraliseCell(cell), cell);
    });
  }

  it('writes numbers, booleans and empty cells as values, negative numbers included', () => {
    assert.deepEqual([-5, 0.25, true, false, null, undefined].map(neutraliseCell), [
      '-5',
      '0.25',
      'true',
      'false',
      '',
      '',
    ]);
  });

  it('writes RFC 4180 (CRLF, quotes doubled, fields with separators quoted) that parses back to the same rows', () => {
    const rows = [
      ['Müller, Anna', 'said "hi"', 'line one\nline two', 42],
      ['=cmd|/C calc', '+1', '@SUM(1,2)', -1],
      ['plain', '', null, 0],
    ];
    const text = toCsv({ columns: ['name', 'quote', 'note', 'n'], rows });
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('\r\n')[0], 'name,quote,note,n');
    assert.ok(text.includes('"Müller, Anna","said ""hi""","line one\nline two",42'));
    assert.deepEqual(parse(text), [
      ['name', 'quote', 'note', 'n'],
      ['Müller, Anna', 'said "hi"', 'line one\nline two', '42'],
      ["'=cmd|/C calc", "'+1", "'@SUM(1,2)", '-1'],
      ['plain', '', '', '0'],
    ]);
  });

  it('starts with a byte order mark only when asked', () => {
    const table = { columns: ['a'], rows: [['é']] };
    assert.ok(!toCsv(table).startsWith('\uFEFF'));
    assert.deepEqual(parse(toCsv(table, { bom: true }), { bom: true }), [['a'], ['é']]);
  });
});
