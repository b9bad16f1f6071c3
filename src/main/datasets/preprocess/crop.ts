import type { Intrinsics } from '@shared/domain';
import type { DepthImage } from '../types';

/** Zero padding around the frame before cutting the window (spec §1.2 step 5). */
export const CROP_PAD_PX = 100;

export interface CropSettings {
  /** Cube side Bc in mm (spec §1.2 step 3; 300 unless the dataset says otherwise). */
  cubeMm: number;
  /** Model input side in pixels (128 in the reference). */
  inputSize: number;
}

export const DEFAULT_CROP_SETTINGS: CropSettings = { cubeMm: 300, inputSize: 128 };

/** Where a crop was cut: the centre (U, V, D), side S and top-left corner in frame pixels (may be negative). */
export interface CropFrame {
  u: number;
  v: number;
  d: number;
  side: number;
  left: number;
  top: number;
}

/** S = ceil(fx · Bc / D): the projected width of the cube at the centre depth (spec §1.2 step 4). */
export function cropSide(camera: Pick<Intrinsics, 'fx'>, cubeMm: number, depthMm: number): number {
  return Math.ceil((camera.fx * cubeMm) / depthMm);
}

/**
 * The crop side the reference evaluation re-derives, int(ceil(cx + fx·Bc/D) − cx) (spec §1.5, gotcha G19). For a
 * non-integer cx (BigHand) it can be one pixel smaller than `cropSide`; only for reproducing reference numbers.
 */
export function referenceEvalCropSide(
  camera: Pick<Intrinsics, 'fx' | 'cx'>,
  cubeMm: number,
  depthMm: number,
): number {
  return Math.trunc(Math.ceil(camera.cx + (camera.fx * cubeMm) / depthMm) - camera.cx);
}

/**
 * The S×S window around a centre: corners floor(U − S/2), floor(V − S/2). Null when it leaves the frame padded by
 * CROP_PAD_PX (the reference discards such frames).
 */
export function cropFrame(
  camera: Pick<Intrinsics, 'fx' | 'width' | 'height'>,
  centre: { u: number; v: number; d: number },
  cubeMm: number,
): CropFrame | null {
  if (!(centre.d > 0)) return null;
  const side = cropSide(camera, cubeMm, centre.d);
  const left = Math.floor(centre.u - side / 2);
  const top = Math.floor(centre.v - side / 2);
  const inside =
    left >= -CROP_PAD_PX &&
    top >= -CROP_PAD_PX &&
    left + side <= camera.width + CROP_PAD_PX &&
    top + side <= camera.height + CROP_PAD_PX;
  return inside ? { u: centre.u, v: centre.v, d: centre.d, side, left, top } : null;
}

/**
 * Cuts the window, normalises depth to (d − D)/Bc with missing pixels (0, or outside the frame) = 1.0, and resizes
 * S×S → inputSize² bilinearly (half-pixel centres, as OpenCV/PIL). Row-major float32, written into `out`.
 */
export function cropAndNormalise(
  image: DepthImage,
  frame: CropFrame,
  settings: CropSettings,
  out: Float32Array = new Float32Array(settings.inputSize * settings.inputSize),
): Float32Array {
  const { width, height, depth } = image;
  const size = settings.inputSize;
  const scale = frame.side / size;
  const sample = (x: number, y: number): number => {
    const fx = frame.left + x;
    const fy = frame.top + y;
    if (fx < 0 || fy < 0 || fx >= width || fy >= height) return 1;
    const d = depth[fy * width + fx]!;
    return d === 0 ? 1 : (d - frame.d) / settings.cubeMm;
  };
  const last = frame.side - 1;
  for (let row = 0; row < size; row++) {
    const sy = Math.min(Math.max((row + 0.5) * scale - 0.5, 0), last);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, last);
    const wy = sy - y0;
    for (let col = 0; col < size; col++) {
      const sx = Math.min(Math.max((col + 0.5) * scale - 0.5, 0), last);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, last);
      const wx = sx - x0;
      const top = sample(x0, y0) * (1 - wx) + sample(x1, y0) * wx;
      const bottom = sample(x0, y1) * (1 - wx) + sample(x1, y1) * wx;
      out[row * size + col] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Joint targets n = ((u − U)/S, (v − V)/S, (d − D)/Bc) per joint (spec §1.3). `out` may alias `uvd`. */
export function normaliseUvd(
  uvd: ArrayLike<number>,
  frame: CropFrame,
  cubeMm: number,
  out = new Float64Array(uvd.length),
): Float64Array {
  for (let i = 0; i + 2 < uvd.length; i += 3) {
    out[i] = (uvd[i]! - frame.u) / frame.side;
    out[i + 1] = (uvd[i + 1]! - frame.v) / frame.side;
    out[i + 2] = (uvd[i + 2]! - frame.d) / cubeMm;
  }
  return out;
}

/** The exact inverse of `normaliseUvd`: back to pixels and mm (spec §1.5 step 2). `out` may alias `normalised`. */
export function denormaliseUvd(
  normalised: ArrayLike<number>,
  frame: CropFrame,
  cubeMm: number,
  out = new Float64Array(normalised.length),
): Float64Array {
  for (let i = 0; i + 2 < normalised.length; i += 3) {
    out[i] = frame.u + normalised[i]! * frame.side;
    out[i + 1] = frame.v + normalised[i + 1]! * frame.side;
    out[i + 2] = frame.d + normalised[i + 2]! * cubeMm;
  }
  return out;
}
