/**
 * Deterministic pseudo-random numbers and identifiers. Everything the generator produces derives from a seed, so the
 * same `TenantSpec` always yields the same tenant (ids included) on every machine.
 */

/** A seeded generator (sfc32: small, fast, good enough statistical quality for test data). */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9 ^ stream;
    this.b = 0x243f6a88 ^ Math.imul(stream, 0x85ebca6b);
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // Discard the first outputs: sfc32 needs a few rounds to mix a small seed.
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick() from an empty list');
    return item;
  }

  /** Picks an index according to relative weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A random-version GUID drawn from this generator. */
  guid(): string {
    return formatGuid(this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32());
  }
}

/** A 32-bit avalanche hash of up to three integers (murmur3 finaliser); cheap per-event derivations use it. */
export function hash32(x: number, y = 0, z = 0): number {
  let h =
    Math.imul(x ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(y + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(z, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Two hex digits per byte, from a table: GUIDs are formatted millions of times when sign-ins are served. */
function hexByte(n: number): string {
  return HEX_BYTES[n & 255] ?? '00';
}

/** Formats four 32-bit words as a version-4 GUID string. */
export function formatGuid(w0: number, w1: number, w2: number, w3: number): string {
  const b = (w1 & 0xffff0fff) | 0x00004000;
  const c = (w2 & 0x3fffffff) | 0x80000000;
  return (
    hexByte(w0 >>> 24) +
    hexByte(w0 >>> 16) +
    hexByte(w0 >>> 8) +
    hexByte(w0) +
    '-' +
    hexByte(b >>> 24) +
    hexByte(b >>> 16) +
    '-' +
    hexByte(b >>> 8) +
    hexByte(b) +
    '-' +
    hexByte(c >>> 24) +
    hexByte(c >>> 16) +
    '-' +
    hexByte(c >>> 8) +
    hexByte(c) +
    hexByte(w3 >>> 24) +
    hexByte(w3 >>> 16) +
    hexByte(w3 >>> 8) +
    hexByte(w3)
  );
}

/** A GUID derived from integers without any generator state (for lazily materialised objects). */
export function hashGuid(seed: number, index: number, salt: number): string {
  return formatGuid(
    hash32(seed, index, salt),
    hash32(seed, index, salt + 1),
    hash32(seed, index, salt + 2),
    hash32(seed, index, salt + 3),
  );
}

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}
