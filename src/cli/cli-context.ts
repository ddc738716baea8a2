import type { CoreServices } from '../composition/create-core.js';
import { notReadYetWords } from '../contracts/sync-words.js';
import type { Actor } from '../services/actor.js';

/** What every CLI command gets: the core (opened on first use), the acting operator, and where to write. */
export interface CliContext {
  core(): Promise<CoreServices>;
  readonly actor: Actor;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/**
 * Text as it may reach the operator's terminal: C0 and C1 control characters (ESC, BEL, CSI… — what makes terminal
 * escape sequences: clearing the screen, colours, disguised OSC 8 links) and the bidirectional overrides that
 * reorder what is shown are written as visible `\uXXXX` escapes. Tabs and line breaks stay. Names come from Entra
 * and from a client tenant's admins; the CLI never lets them drive the terminal. In `--json` output the escape is
 * the JSON escape of the same character, so the value parses back unchanged.
 */
export function printable(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced here
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Prints rows as an aligned text table (cells made {@link printable}). */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = [
    headers,
    ...rows.map((row) => row.map((cell) => (cell === null ? '—' : printable(String(cell))))),
  ];
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

/** What an empty list of a client's users or groups says: why, when the client is not connected; else `otherwise`. */
export async function emptyDirectory(
  context: CliContext,
  clientRef: string,
  noun: 'user' | 'group',
  otherwise: string,
): Promise<string> {
  const header = await (await context.core()).status.header(context.actor, clientRef);
  return notReadYetWords(header.integration, noun, 'with `integrations connect`') ?? otherwise;
}
