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

/**
 * What makes a spreadsheet read a text cell as a formula, per OWASP's CSV injection guidance
 * (https://owasp.org/www-community/attacks/CSV_Injection): a first character `=`, `+`, `-`, `@`, a tab, a carriage
 * return or a line feed — also when spaces (which LibreOffice's "trim spaces" and many importers drop) stand before
 * it, and in the full-width forms (`＝`, `＋`, `－`, `＠`) that some spreadsheets fold to ASCII. NFKC folds every
 * compatibility form (full-width, ideographic space) before the test.
 */
// eslint-disable-next-line no-control-regex -- control characters before a trigger are what the guard looks for
const FORMULA_START = /^[\s\u0000-\u001f]*[=+\-@]|^[\t\r\n]/;

/**
 * The one CSV formula guard every export uses (users, audit log, reports, billing): a text cell a spreadsheet could
 * run gets a leading apostrophe, so it is shown as text; everything else is written exactly as it is. Numbers and
 * booleans are written as they are — they are values, not text a person or Entra named.
 */
export function neutraliseCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  return FORMULA_START.test(cell.normalize('NFKC')) ? `'${cell}` : cell;
}

/**
 * Writes rows as CSV text per RFC 4180 — UTF-8, CRLF line ends, fields quoted when they hold a comma, a quote or a
 * line break (quotes doubled) — with every cell neutralised by {@link neutraliseCell}. Streamed exports call it
 * once per page.
 */
export function csvRows(rows: readonly (readonly CsvCell[])[]): string {
  // csv-stringify quotes a field holding the whole record delimiter (CRLF) but not a lone CR or LF; RFC 4180 wants
  // every field with a line break quoted, or parsers split the row there.
  return stringify(
    rows.map((row) => row.map(neutraliseCell)),
    { record_delimiter: 'windows', quoted_match: /[\r\n]/, eof: true },
  );
}

/** A whole table as CSV: its header row, then its rows (see {@link csvRows}). */
export function toCsv(table: CsvTable, options: CsvOptions = {}): string {
  const text = csvRows([
    table.columns,
    ...table.rows.map((row) => table.columns.map((_, index) => row[index])),
  ]);
  return options.bom === true ? `\uFEFF${text}` : text;
}
