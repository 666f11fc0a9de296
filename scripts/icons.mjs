// Draws the app icons (www/icons/*.png): a white eye, its iris a lens, on the page's accent
// blue. Run once and the PNGs committed (`node scripts/icons.mjs`); it uses only Node's zlib,
// so the icons need no download and no image library.
//
//   icon-192.png, icon-512.png   rounded square, for browsers and desktop installs
//   maskable-512.png             full bleed, the eye inside the central 80 % "safe zone"
//                                (launchers cut it to their own shape)
//   apple-touch-icon.png         180 px, full bleed (iOS rounds the corners itself)

import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join(import.meta.dirname, '../www/icons');
const BLUE = [11, 87, 208];
const WHITE = [255, 255, 255];
const INK = [18, 33, 74];
const SAMPLES = 4; // per axis: 16 samples per pixel smooth the edges

/**
 * The colour at (x, y) in a unit square, or null for transparent. `scale` shrinks the eye
 * around the centre; `rounded` cuts the corners of the square.
 */
function paint(x, y, { scale, rounded }) {
  if (rounded && !insideRoundedSquare(x, y, 0.22)) return null;
  // Coordinates centred on the eye, in units of the eye's half width.
  const u = (x - 0.5) / (0.42 * scale);
  const v = (y - 0.5) / (0.42 * scale);
  // The almond: where two circles of radius R, centred above and below, overlap.
  const R = 1.2;
  const offset = Math.sqrt(R * R - 1);
  const inAlmond = Math.hypot(u, v - offset) < R && Math.hypot(u, v + offset) < R;
  if (!inAlmond) return BLUE;
  const r = Math.hypot(u, v);
  if (r < 0.18) return INK; // pupil
  if (r < 0.24) return WHITE; // the lens's glint ring
  if (r < 0.4) return BLUE; // iris
  return WHITE;
}

function insideRoundedSquare(x, y, radius) {
  const dx = Math.max(radius - x, 0, x - (1 - radius));
  const dy = Math.max(radius - y, 0, y - (1 - radius));
  return dx * dx + dy * dy <= radius * radius;
}

/** RGBA pixels of a size × size icon, each pixel the average of its samples. */
function render(size, style) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const color = paint((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, style);
          if (!color) continue;
          // Premultiplied, so that transparent samples do not darken the edge.
          for (let c = 0; c < 3; c++) sum[c] += color[c];
          sum[3] += 1;
        }
      }
      const at = (py * size + px) * 4;
      const coverage = sum[3];
      for (let c = 0; c < 3; c++) pixels[at + c] = coverage ? Math.round(sum[c] / coverage) : 0;
      pixels[at + 3] = Math.round((255 * coverage) / (SAMPLES * SAMPLES));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A PNG file (8-bit RGBA, no filtering) of the pixels. */
function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const [name, size, style] of [
  ['icon-192.png', 192, { scale: 1, rounded: true }],
  ['icon-512.png', 512, { scale: 1, rounded: true }],
  ['maskable-512.png', 512, { scale: 0.78, rounded: false }],
  ['apple-touch-icon.png', 180, { scale: 0.9, rounded: false }],
]) {
  const file = png(size, render(size, style));
  writeFileSync(join(OUT, name), file);
  console.log(`${name}: ${file.length} bytes`);
}
