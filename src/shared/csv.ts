import { stringify } from 'csv-stringify/sync';

/** A value a CSV cell can hold; null and undefined become empty cells. */
export type CsvCell = string | number | boolean | null | undefined;

/** One table to export: its column headers and its rows (each row as long as the headers). */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CsvCell[])[];
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, which makes Excel read non-ASCII names right. Default false (RFC 4180). */
  readonly bom?: boolean;
}

/** Characters that make a spreadsheet read a cell as a formula (or start one on a new line). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a text cell against formula injection (CSV injection): a cell starting with `=`, `+`, `-`, `@`, a tab
 * or a carriage return gets a leading apostrophe, so spreadsheets show it as text instead of running it. Numbers
 * and booleans are written as they are — they are values, not text a person typed.
 */
export function neutraliseCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * Writes a table as CSV per RFC 4180: UTF-8, CRLF line ends, a header row, fields quoted when they hold a comma, a
 * quote or a line break (quotes doubled) — with every text cell neutralised by {@link neutraliseCell}.
 */
export function toCsv(table: CsvTable, options: CsvOptions = {}): string {
  const records = [
    table.columns.map((column) => neutraliseCell(column)),
    ...table.rows.map((row) => table.columns.map((_, index) => neutraliseCell(row[index]))),
  ];
  // csv-stringify quotes a field holding the whole record delimiter (CRLF) but not a lone CR or LF; RFC 4180 wants
  // every field with a line break quoted, or parsers split the row there.
  const text = stringify(records, { record_delimiter: 'windows', quoted_match: /[\r\n]/, eof: true });
  return options.bom === true ? `\uFEFF${text}` : text;
}
