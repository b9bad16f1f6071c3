import type { ImageMeta } from '@shared/contract';

/** A decoded source image: depth in millimetres (0 = no reading) or RGBA pixels. */
export type SourceImage =
  | { kind: 'depth'; width: number; height: number; depth: Uint16Array; range: DepthRange }
  | { kind: 'rgb'; width: number; height: number; rgba: Uint8ClampedArray };

export interface DepthRange {
  /** Smallest and largest valid reading (mm). */
  min: number;
  max: number;
  /** 2nd and 98th percentile of the valid readings: a robust default window. */
  low: number;
  high: number;
  valid: number;
}

export type ColourMap = 'grey' | 'turbo' | 'jet';
export const COLOUR_MAPS: readonly ColourMap[] = ['grey', 'turbo', 'jet'];

/** Decodes `sample.image` bytes (little-endian uint16 depth or RGBA8) without copying when aligned. */
export function decodeImage(meta: ImageMeta, bytes: Uint8Array): SourceImage {
  const { width, height } = meta;
  if (meta.encoding === 'rgba8') {
    return {
      kind: 'rgb',
      width,
      height,
      rgba: new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, width * height * 4),
    };
  }
  const n = width * height;
  let depth: Uint16Array;
  if (bytes.byteOffset % 2 === 0 && bytes.byteLength >= n * 2) {
    depth = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  } else {
    depth = new Uint16Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n && i * 2 + 1 < bytes.byteLength; i++) depth[i] = view.getUint16(i * 2, true);
  }
  return { kind: 'depth', width, height, depth, range: depthRange(depth) };
}

/** Min, max and robust percentiles of the valid (non-zero) depth readings, via a 1 mm histogram. */
export function depthRange(depth: Uint16Array): DepthRange {
  const hist = new Uint32Array(65536);
  let valid = 0;
  let min = 65535;
  let max = 0;
  for (let i = 0; i < depth.length; i++) {
    const d = depth[i]!;
    if (d === 0) continue;
    hist[d]!++;
    valid++;
    if (d < min) min = d;
    if (d > max) max = d;
  }
  if (valid === 0) return { min: 0, max: 0, low: 0, high: 0, valid: 0 };
  const lowCount = valid * 0.02;
  const highCount = valid * 0.98;
  let acc = 0;
  let low = min;
  let high = max;
  let lowSet = false;
  for (let d = min; d <= max; d++) {
    acc += hist[d]!;
    if (!lowSet && acc >= lowCount) {
      low = d;
      lowSet = true;
    }
    if (acc >= highCount) {
      high = d;
      break;
    }
  }
  return { min, max, low, high: Math.max(high, low + 1), valid };
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Colour of x in [0, 1] as [r, g, b] in 0..255. Turbo uses Google's polynomial approximation. */
export function colourAt(map: ColourMap, x: number): [number, number, number] {
  x = clamp01(x);
  if (map === 'grey') {
    const g = Math.round(x * 255);
    return [g, g, g];
  }
  if (map === 'jet') {
    return [
      Math.round(clamp01(1.5 - Math.abs(4 * x - 3)) * 255),
      Math.round(clamp01(1.5 - Math.abs(4 * x - 2)) * 255),
      Math.round(clamp01(1.5 - Math.abs(4 * x - 1)) * 255),
    ];
  }
  const r =
    0.13572138 +
    x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g =
    0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b =
    0.1066733 +
    x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  return [Math.round(clamp01(r) * 255), Math.round(clamp01(g) * 255), Math.round(clamp01(b) * 255)];
}

const lutCache = new Map<ColourMap, Uint8Array>();

/** A 256-entry RGB lookup table. Index 255 is the nearest depth of the window (near = bright / warm). */
export function colourLut(map: ColourMap): Uint8Array {
  let lut = lutCache.get(map);
  if (!lut) {
    lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) lut.set(colourAt(map, i / 255), i * 3);
    lutCache.set(map, lut);
  }
  return lut;
}

/** Masked colour for pixels without a reading (drawn as a dark blue-grey so they never read as "far"). */
export const INVALID_RGBA = [24, 28, 38, 255] as const;

/** Paints the image into `out` (same size): depth through the colour map and the [lo, hi] mm window. */
export function paintImage(image: SourceImage, map: ColourMap, lo: number, hi: number, out: ImageData): void {
  const px = out.data;
  if (image.kind === 'rgb') {
    px.set(image.rgba.subarray(0, px.length));
    return;
  }
  const lut = colourLut(map);
  const span = Math.max(1, hi - lo);
  const { depth } = image;
  for (let i = 0, j = 0; i < depth.length; i++, j += 4) {
    const d = depth[i]!;
    if (d === 0) {
      px[j] = INVALID_RGBA[0];
      px[j + 1] = INVALID_RGBA[1];
      px[j + 2] = INVALID_RGBA[2];
      px[j + 3] = 255;
      continue;
    }
    // Near = 255 (bright / warm), far = 0.
    let t = (hi - d) / span;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const k = Math.round(t * 255) * 3;
    px[j] = lut[k]!;
    px[j + 1] = lut[k + 1]!;
    px[j + 2] = lut[k + 2]!;
    px[j + 3] = 255;
  }
}

/**
 * Depth at (u, v): the median of the valid readings in a (2r+1)² neighbourhood, growing r from `radius` up to
 * `maxRadius` until something valid is found. Null when there is no reading nearby (or for RGB).
 */
export function depthAt(image: SourceImage, u: number, v: number, radius = 2, maxRadius = 8): number | null {
  if (image.kind !== 'depth') return null;
  const cu = Math.round(u);
  const cv = Math.round(v);
  for (let r = radius; r <= maxRadius; r += 2) {
    const values: number[] = [];
    for (let y = Math.max(0, cv - r); y <= Math.min(image.height - 1, cv + r); y++) {
      for (let x = Math.max(0, cu - r); x <= Math.min(image.width - 1, cu + r); x++) {
        const d = image.depth[y * image.width + x]!;
        if (d > 0) values.push(d);
      }
    }
    if (values.length > 0) {
      values.sort((a, b) => a - b);
      const mid = values.length >> 1;
      return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    }
  }
  return null;
}
