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

const FORMAT_VERSION = 1;
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

/** Packs tuples: an 8-byte header (format, count) then six little-endian uint32 columns. */
export function encodeDayTuples(tuples: DayTuples): Buffer {
  const n = tuples.length;
  const buffer = Buffer.alloc(HEADER_BYTES + COLUMNS * 4 * n);
  buffer.writeUInt8(FORMAT_VERSION, 0);
  buffer.writeUInt32LE(n, 4);
  const columns = [
    tuples.users,
    tuples.apps,
    tuples.signIns,
    tuples.successes,
    tuples.mfa,
    tuples.singleFactor,
  ];
  let offset = HEADER_BYTES;
  for (const column of columns) {
    for (let i = 0; i < n; i++) {
      buffer.writeUInt32LE(column[i] ?? 0, offset);
      offset += 4;
    }
  }
  return buffer;
}

/** @throws {RollupFormatError} */
export function decodeDayTuples(stored: Uint8Array): DayTuples {
  if (stored.byteLength < HEADER_BYTES || stored[0] !== FORMAT_VERSION) {
    throw new RollupFormatError(`unknown sign-in rollup format ${String(stored[0])}`);
  }
  const view = new DataView(stored.buffer, stored.byteOffset, stored.byteLength);
  const n = view.getUint32(4, true);
  if (stored.byteLength !== HEADER_BYTES + COLUMNS * 4 * n) {
    throw new RollupFormatError(
      `sign-in rollup of ${String(n)} tuples has ${String(stored.byteLength)} bytes`,
    );
  }
  // Typed-array views need 4-byte alignment; a Buffer from a driver's pool may not have it, so copy once if not.
  const aligned =
    (stored.byteOffset + HEADER_BYTES) % 4 === 0 ? stored : Uint8Array.prototype.slice.call(stored);
  const column = (index: number): Uint32Array => {
    const start = aligned.byteOffset + HEADER_BYTES + index * 4 * n;
    if (littleEndian) return new Uint32Array(aligned.buffer, start, n);
    const out = new Uint32Array(n);
    const data = new DataView(aligned.buffer, start, 4 * n);
    for (let i = 0; i < n; i++) out[i] = data.getUint32(i * 4, true);
    return out;
  };
  return {
    length: n,
    users: column(0),
    apps: column(1),
    signIns: column(2),
    successes: column(3),
    mfa: column(4),
    singleFactor: column(5),
  };
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
