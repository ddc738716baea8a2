import type { Core } from '../composition/create-core.js';
import type { Actor } from '../services/actor.js';

/** What every CLI command gets: the core (opened on first use), the acting operator, and where to write. */
export interface CliContext {
  core(): Promise<Core>;
  readonly actor: Actor;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Prints rows as an aligned text table. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => (cell === null ? '—' : String(cell))))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
