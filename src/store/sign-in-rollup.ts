import os from 'node:os';

/**
 * The `sign_in_daily` rows of one client and one day, column by column, with users and applications replaced by
 * the dense integer keys of `sign_in_keys`. Reports decode a whole period of these in a few milliseconds and
 * aggregate it in typed arrays.
 */
export interface DayTuples {
  readonly length: number;
  /** User key (`sign_in_keys`, kind `user`) of each tuple. */
  readonly users: Uint32Array;
  /** Application key (`sign_in_keys`, kind `app`). */
  readonly apps: Uint32Array;
  readonly signIns: Uint32Array;
  readonly successes: Uint32Array;
  /** Successful sign-ins whose `authenticationRequirement` was multi-factor. */
  readonly mfa: Uint32Array;
  /** Successful sign-ins whose `authenticationRequirement` was single-factor. */
  readonly singleFactor: Uint32Array;
}

/** v1: header + six uint32 columns. v2: header + uint32 users, then apps and counts each at the narrowest width. */
const FORMAT_V1 = 1;
const FORMAT_V2 = 2;
const HEADER_BYTES = 8;
const COLUMNS = 6;
const littleEndian = os.endianness() === 'LE';

/** Thrown when a stored rollup cannot be read (unknown format, truncated). */
export class RollupFormatError extends Error {
  override readonly name = 'RollupFormatError';
}

export function emptyDayTuples(): DayTuples {
  const empty = new Uint32Array(0);
  return {
    length: 0,
    users: empty,
    apps: empty,
    signIns: empty,
    successes: empty,
    mfa: empty,
    singleFactor: empty,
  };
}

/**
 * Packs tuples (format 2): an 8-byte header — format, application key width, count width, tuple count — then the
 * user keys as uint32, the application keys at 2 or 4 bytes and the four counts at 1, 2 or 4 bytes each, every
 * column little-endian and starting on a 4-byte boundary. A typical day takes 10 bytes a tuple instead of 24,
 * which is what a report reads (and PostgreSQL ships as hex) for every day of its period.
 */
export function encodeDayTuples(tuples: DayTuples): Buffer {
  const n = tuples.length;
  const appWidth = widthFor(max(tuples.apps, n), 2);
  const counts = [tuples.signIns, tuples.successes, tuples.mfa, tuples.singleFactor];
  const countWidth = widthFor(Math.max(...counts.map((column) => max(column, n))), 1);
  const layout = columnLayout(n, appWidth, countWidth);
  const buffer = Buffer.alloc(layout.total);
  buffer.writeUInt8(FORMAT_V2, 0);
  buffer.writeUInt8(appWidth, 1);
  buffer.writeUInt8(countWidth, 2);
  buffer.writeUInt32LE(n, 4);
  writeColumn(buffer, layout.offsets[0] ?? 0, tuples.users, n, 4);
  writeColumn(buffer, layout.offsets[1] ?? 0, tuples.apps, n, appWidth);
  counts.forEach((column, index) => {
    writeColumn(buffer, layout.offsets[index + 2] ?? 0, column, n, countWidth);
  });
  return buffer;
}

/** @throws {RollupFormatError} */
export function decodeDayTuples(stored: Uint8Array): DayTuples {
  if (stored.byteLength < HEADER_BYTES) throw new RollupFormatError('sign-in rollup too short');
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  const format = view.getUint8(0);
  const n = view.getUint32(4, true);
  const appWidth = format === FORMAT_V1 ? 4 : view.getUint8(1);
  const countWidth = format === FORMAT_V1 ? 4 : view.getUint8(2);
  if (
    (format !== FORMAT_V1 && format !== FORMAT_V2) ||
    ![2, 4].includes(appWidth) ||
    ![1, 2, 4].includes(countWidth)
  ) {
    throw new RollupFormatError(`unknown sign-in rollup format ${String(format)}`);
  }
  const layout = format === FORMAT_V1 ? v1Layout(n) : columnLayout(n, appWidth, countWidth);
  if (stored.byteLength !== layout.total) {
    throw new RollupFormatError(
      `sign-in rollup of ${String(n)} tuples has ${String(stored.byteLength)} bytes`,
    );
  }
  // Typed-array views need aligned offsets; a Buffer from a driver's pool may not have them, so copy once if not.
  const aligned = stored.byteOffset % 4 === 0 ? stored : Uint8Array.prototype.slice.call(stored);
  const column = (index: number, width: number): Uint32Array =>
    readColumn(aligned, layout.offsets[index] ?? 0, n, width);
  return {
    length: n,
    users: column(0, 4),
    apps: column(1, appWidth),
    signIns: column(2, countWidth),
    successes: column(3, countWidth),
    mfa: column(4, countWidth),
    singleFactor: column(5, countWidth),
  };
}

function max(column: Uint32Array, n: number): number {
  let top = 0;
  for (let i = 0; i < n; i++) if ((column[i] ?? 0) > top) top = column[i] ?? 0;
  return top;
}

function widthFor(value: number, smallest: 1 | 2): 1 | 2 | 4 {
  if (smallest === 1 && value <= 0xff) return 1;
  return value <= 0xffff ? 2 : 4;
}

function columnLayout(n: number, appWidth: number, countWidth: number): { offsets: number[]; total: number } {
  const widths = [4, appWidth, countWidth, countWidth, countWidth, countWidth];
  const offsets: number[] = [];
  let offset = HEADER_BYTES;
  for (const width of widths) {
    offsets.push(offset);
    offset += Math.ceil((width * n) / 4) * 4;
  }
  return { offsets, total: offset };
}

function v1Layout(n: number): { offsets: number[]; total: number } {
  return {
    offsets: Array.from({ length: COLUMNS }, (_, index) => HEADER_BYTES + index * 4 * n),
    total: HEADER_BYTES + COLUMNS * 4 * n,
  };
}

function writeColumn(buffer: Buffer, offset: number, column: Uint32Array, n: number, width: number): void {
  for (let i = 0; i < n; i++) {
    const value = column[i] ?? 0;
    if (width === 1) buffer.writeUInt8(value, offset + i);
    else if (width === 2) buffer.writeUInt16LE(value, offset + 2 * i);
    else buffer.writeUInt32LE(value, offset + 4 * i);
  }
}

function readColumn(data: Uint8Array, offset: number, n: number, width: number): Uint32Array {
  const start = data.byteOffset + offset;
  if (!littleEndian) {
    const out = new Uint32Array(n);
    const view = new DataView(data.buffer, start, width * n);
    for (let i = 0; i < n; i++) {
      out[i] =
        width === 1
          ? view.getUint8(i)
          : width === 2
            ? view.getUint16(2 * i, true)
            : view.getUint32(4 * i, true);
    }
    return out;
  }
  if (width === 4) return new Uint32Array(data.buffer, start, n);
  const out = new Uint32Array(n);
  out.set(width === 2 ? new Uint16Array(data.buffer, start, n) : new Uint8Array(data.buffer, start, n));
  return out;
}

/** Collects tuples one by one, then hands them over as {@link DayTuples}. */
export class DayTuplesBuilder {
  private readonly columns: number[][] = [[], [], [], [], [], []];

  add(
    user: number,
    app: number,
    signIns: number,
    successes: number,
    mfa: number,
    singleFactor: number,
  ): void {
    const [users, apps, signInCol, successCol, mfaCol, singleCol] = this.columns;
    users?.push(user);
    apps?.push(app);
    signInCol?.push(signIns);
    successCol?.push(successes);
    mfaCol?.push(mfa);
    singleCol?.push(singleFactor);
  }

  build(): DayTuples {
    const [users = [], apps = [], signIns = [], successes = [], mfa = [], singleFactor = []] = this.columns;
    return {
      length: users.length,
      users: Uint32Array.from(users),
      apps: Uint32Array.from(apps),
      signIns: Uint32Array.from(signIns),
      successes: Uint32Array.from(successes),
      mfa: Uint32Array.from(mfa),
      singleFactor: Uint32Array.from(singleFactor),
    };
  }
}
