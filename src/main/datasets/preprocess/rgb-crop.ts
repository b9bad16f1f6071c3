/**
 * Person crops for the heatmap learner (RGB). A crop is a square of side `side` image pixels with top-left corner
 * (x0, y0), resampled to size×size. Pixel centres map exactly: crop pixel (row, col) samples the image at
 *   u = x0 + (col + ½)·s − ½,  v = y0 + (row + ½)·s − ½,   s = side / size,
 * so joints go back and forth with `imageToCrop` / `cropToImage` without drift. Outside the image the crop is 0.
 */
export interface PersonCrop {
  x0: number;
  y0: number;
  side: number;
}

/** Crop side = this × the longer side of the person box: room for limbs the box clips and for augmentation. */
export const PERSON_CROP_SCALE = 1.25;
const MIN_SIDE_PX = 8;

/** The square crop centred on a person box [x, y, w, h] (image pixels). */
export function personCrop(
  box: readonly [number, number, number, number],
  scale = PERSON_CROP_SCALE,
): PersonCrop {
  const [x, y, w, h] = box;
  const side = Math.max(MIN_SIDE_PX, scale * Math.max(w, h));
  return { x0: x + w / 2 - side / 2, y0: y + h / 2 - side / 2, side };
}

/** Image (u = column, v = row) → crop (row, col) in crop pixels. */
export function imageToCrop(
  crop: PersonCrop,
  size: number,
  u: number,
  v: number,
): { row: number; col: number } {
  const s = crop.side / size;
  return { row: (v + 0.5 - crop.y0) / s - 0.5, col: (u + 0.5 - crop.x0) / s - 0.5 };
}

/** Crop (row, col) → image (u = column, v = row). */
export function cropToImage(
  crop: PersonCrop,
  size: number,
  row: number,
  col: number,
): { u: number; v: number } {
  const s = crop.side / size;
  return { u: crop.x0 + (col + 0.5) * s - 0.5, v: crop.y0 + (row + 0.5) * s - 0.5 };
}

/**
 * Resamples an RGBA8 image into a size×size×3 float crop (HWC, values pixel/256 as the reference feeds its net).
 * Each crop pixel averages n×n bilinear samples, n = ⌈side/size⌉ capped at 4, so downscaling a large photo does not
 * alias. O(size²·n²).
 */
export function cropRgb(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  crop: PersonCrop,
  size: number,
  out: Float32Array = new Float32Array(size * size * 3),
): Float32Array {
  const scale = crop.side / size;
  const n = Math.min(4, Math.max(1, Math.ceil(scale)));
  const weight = 1 / (n * n * 256);
  const pixel = (x: number, y: number, channel: number): number =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : rgba[(y * width + x) * 4 + channel]!;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = crop.x0 + (col + (sx + 0.5) / n) * scale - 0.5;
          const v = crop.y0 + (row + (sy + 0.5) / n) * scale - 0.5;
          const x = Math.floor(u);
          const y = Math.floor(v);
          const fx = u - x;
          const fy = v - y;
          const w00 = (1 - fx) * (1 - fy);
          const w10 = fx * (1 - fy);
          const w01 = (1 - fx) * fy;
          const w11 = fx * fy;
          r +=
            w00 * pixel(x, y, 0) +
            w10 * pixel(x + 1, y, 0) +
            w01 * pixel(x, y + 1, 0) +
            w11 * pixel(x + 1, y + 1, 0);
          g +=
            w00 * pixel(x, y, 1) +
            w10 * pixel(x + 1, y, 1) +
            w01 * pixel(x, y + 1, 1) +
            w11 * pixel(x + 1, y + 1, 1);
          b +=
            w00 * pixel(x, y, 2) +
            w10 * pixel(x + 1, y, 2) +
            w01 * pixel(x, y + 1, 2) +
            w11 * pixel(x + 1, y + 1, 2);
        }
      }
      const at = (row * size + col) * 3;
      out[at] = r * weight;
      out[at + 1] = g * weight;
      out[at + 2] = b * weight;
    }
  }
  return out;
}

/** The tight box [x, y, w, h] around the given points padded by `pad` × its longer side; null without points. */
export function boxAround(
  points: readonly { u: number; v: number }[],
  pad = 0.1,
): [number, number, number, number] | null {
  if (points.length === 0) return null;
  const us = points.map((p) => p.u);
  const vs = points.map((p) => p.v);
  const [x1, x2, y1, y2] = [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  const margin = pad * Math.max(x2 - x1, y2 - y1, MIN_SIDE_PX);
  return [x1 - margin, y1 - margin, x2 - x1 + 2 * margin, y2 - y1 + 2 * margin];
}
