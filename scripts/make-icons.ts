/**
 * Draws the Teams app icons (a shield with a keyhole) and writes them as PNG files:
 * `appPackage/color.png` (192×192, full colour) and `appPackage/outline.png` (32×32, white on transparent).
 *
 * Deterministic: the same code always draws the same pixels, so the committed icons can be checked against it.
 * Run: `npx tsx scripts/make-icons.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

/** An 8-bit RGBA bitmap, rows top to bottom, 4 bytes per pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

type Rgb = readonly [number, number, number];

/** Fluent UI's brand blue, also the manifest's `accentColor`. */
export const BRAND_COLOR: Rgb = [0x0f, 0x6c, 0xbd];
const WHITE: Rgb = [0xff, 0xff, 0xff];

/** Samples per axis inside each pixel; 4×4 gives smooth edges at 32 px. */
const SUPERSAMPLING = 4;

/** Inside the shield, in unit coordinates (0..1 across the icon, y downwards). */
function inShield(x: number, y: number): boolean {
  const top = 0.14;
  const shoulder = 0.5;
  const tip = 0.88;
  const halfWidth = 0.31;
  if (y < top || y > tip) return false;
  const dx = Math.abs(x - 0.5);
  if (y <= shoulder) {
    // rounded top corners
    const radius = 0.07;
    const cornerY = top + radius;
    const cornerX = halfWidth - radius;
    if (y < cornerY && dx > cornerX) return Math.hypot(dx - cornerX, y - cornerY) <= radius;
    return dx <= halfWidth;
  }
  const t = (y - shoulder) / (tip - shoulder);
  return dx <= halfWidth * (1 - t * t);
}

/** Inside the keyhole: a round head above a tapered slot. */
function inKeyhole(x: number, y: number): boolean {
  const cx = 0.5;
  const headY = 0.42;
  if (Math.hypot(x - cx, y - headY) <= 0.075) return true;
  if (y < headY || y > 0.66) return false;
  const t = (y - headY) / (0.66 - headY);
  return Math.abs(x - cx) <= 0.032 + 0.028 * t;
}

/** The shield's border: inside the shield but outside a smaller copy of it (scaled about its centre). */
function inShieldBorder(x: number, y: number, scale: number): boolean {
  const cx = 0.5;
  const cy = 0.5;
  return inShield(x, y) && !inShield((x - cx) / scale + cx, (y - cy) / scale + cy);
}

/** Fraction (0..1) of each pixel covered by `shape`, by supersampling. */
function coverage(size: number, shape: (x: number, y: number) => boolean): Float64Array {
  const result = new Float64Array(size * size);
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      let hits = 0;
      for (let sy = 0; sy < SUPERSAMPLING; sy++) {
        for (let sx = 0; sx < SUPERSAMPLING; sx++) {
          const x = (col + (sx + 0.5) / SUPERSAMPLING) / size;
          const y = (row + (sy + 0.5) / SUPERSAMPLING) / size;
          if (shape(x, y)) hits++;
        }
      }
      result[row * size + col] = hits / samples;
    }
  }
  return result;
}

/** The colour icon: a white shield with a keyhole on the brand colour, fully opaque. */
export function drawColorIcon(size = 192): RgbaImage {
  const cover = coverage(size, (x, y) => inShield(x, y) && !inKeyhole(x, y));
  const pixels = new Uint8Array(size * size * 4);
  const mix = (from: number, to: number, amount: number): number =>
    Math.round(from * (1 - amount) + to * amount);
  cover.forEach((amount, index) => {
    const rgb = BRAND_COLOR.map((channel, i) => mix(channel, WHITE[i] ?? channel, amount));
    pixels.set([...rgb, 255], index * 4);
  });
  return { width: size, height: size, pixels };
}

/** The outline icon: the shield's border and the keyhole in white, everything else transparent. */
export function drawOutlineIcon(size = 32): RgbaImage {
  const cover = coverage(size, (x, y) => inShieldBorder(x, y, 0.74) || inKeyhole(x, y));
  const pixels = new Uint8Array(size * size * 4);
  cover.forEach((amount, index) => {
    pixels.set([...WHITE, Math.round(amount * 255)], index * 4);
  });
  return { width: size, height: size, pixels };
}

function chunk(type: string, data: Uint8Array): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(header.subarray(4))), 0);
  return Buffer.concat([header, data, crc]);
}

/** The PNG scanlines of an image: each row prefixed with filter type 0 (none), as stored in IDAT before deflate. */
export function scanlines(image: RgbaImage): Buffer {
  const rowBytes = image.width * 4;
  const raw = Buffer.alloc((rowBytes + 1) * image.height);
  for (let row = 0; row < image.height; row++) {
    raw[row * (rowBytes + 1)] = 0;
    raw.set(image.pixels.subarray(row * rowBytes, (row + 1) * rowBytes), row * (rowBytes + 1) + 1);
  }
  return raw;
}

/** Encodes an RGBA image as a PNG (8-bit, colour type 6, no interlace). */
export function encodePng(image: RgbaImage): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: truecolour with alpha
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(scanlines(image), { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function main(): void {
  const appPackage = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'appPackage');
  fs.writeFileSync(path.join(appPackage, 'color.png'), encodePng(drawColorIcon()));
  fs.writeFileSync(path.join(appPackage, 'outline.png'), encodePng(drawOutlineIcon()));
  process.stdout.write(`wrote ${appPackage}/color.png and ${appPackage}/outline.png\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main();
}
