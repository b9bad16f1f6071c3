import type { Rng } from '@shared/random';
import type { HourglassAugmentation, JointLink } from './types';

/** One sample's random transform. Points map as p' = A·(flip(p) − c) + c + t, A = scale·rotation, c the crop centre. */
export interface AffineAugmentation {
  flip: boolean;
  scale: number;
  /** Radians, counter-clockwise in (row, col) terms: positive turns the row axis towards the column axis. */
  rotation: number;
  /** Crop pixels. */
  shiftRow: number;
  shiftCol: number;
}

export const IDENTITY_AUGMENTATION: AffineAugmentation = Object.freeze({
  flip: false,
  scale: 1,
  rotation: 0,
  shiftRow: 0,
  shiftCol: 0,
});

/** Draws one transform; always five draws from `rng`, so the stream stays aligned whatever the settings. */
export function drawAugmentation(
  rng: Rng,
  settings: HourglassAugmentation,
  inputSize: number,
): AffineAugmentation {
  const flip = rng.next() < settings.flipProbability;
  const scale = rng.uniform(1 - settings.maxScale, 1 + settings.maxScale);
  const rotation = (rng.uniform(-1, 1) * settings.maxRotationDegrees * Math.PI) / 180;
  const shiftRow = rng.uniform(-1, 1) * settings.maxShift * inputSize;
  const shiftCol = rng.uniform(-1, 1) * settings.maxShift * inputSize;
  return { flip, scale, rotation, shiftRow, shiftCol };
}

/**
 * Applies `transform` to one S×S×3 crop (bilinear, zero outside) and to its joints J×2 (row, col crop px). A flip also
 * swaps the joints (coordinates and visibility) of every mirror pair, so "left" stays the person's left.
 */
export function augmentSample(
  size: number,
  transform: AffineAugmentation,
  mirrorPairs: readonly JointLink[],
  source: { image: Float32Array; joints: Float32Array; visibility: Int8Array },
  out: { image: Float32Array; joints: Float32Array; visibility: Int8Array },
): void {
  const centre = (size - 1) / 2;
  const cos = Math.cos(transform.rotation);
  const sin = Math.sin(transform.rotation);
  const { scale, shiftRow, shiftCol, flip } = transform;
  out.visibility.set(source.visibility);
  for (let j = 0; j < source.visibility.length; j++) {
    const row = source.joints[2 * j]! - centre;
    const col = (flip ? size - 1 - source.joints[2 * j + 1]! : source.joints[2 * j + 1]!) - centre;
    out.joints[2 * j] = scale * (cos * row - sin * col) + centre + shiftRow;
    out.joints[2 * j + 1] = scale * (sin * row + cos * col) + centre + shiftCol;
  }
  if (flip) {
    for (const [left, right] of mirrorPairs) {
      swap(out.joints, 2 * left, 2 * right);
      swap(out.joints, 2 * left + 1, 2 * right + 1);
      swap(out.visibility, left, right);
    }
  }
  // Inverse map per output pixel: p = A⁻¹(p' − c − t) + c, then undo the flip. Affine, so it advances by constant
  // steps along a row of the output.
  const srcRowStep = sin / scale;
  const srcColStep = flip ? -cos / scale : cos / scale;
  const image = source.image;
  const target = out.image;
  for (let r = 0; r < size; r++) {
    const dr = r - centre - shiftRow;
    const dc = -centre - shiftCol;
    let srcRow = (cos * dr + sin * dc) / scale + centre;
    const colBeforeFlip = (-sin * dr + cos * dc) / scale + centre;
    let srcCol = flip ? size - 1 - colBeforeFlip : colBeforeFlip;
    for (let c = 0; c < size; c++, srcRow += srcRowStep, srcCol += srcColStep) {
      const at = (r * size + c) * 3;
      target[at] = 0;
      target[at + 1] = 0;
      target[at + 2] = 0;
      // Bilinear, zero outside the image.
      const r0 = Math.floor(srcRow);
      const c0 = Math.floor(srcCol);
      if (r0 < -1 || r0 >= size || c0 < -1 || c0 >= size) continue;
      const fr = srcRow - r0;
      const fc = srcCol - c0;
      for (let dy = 0; dy <= 1; dy++) {
        const y = r0 + dy;
        if (y < 0 || y >= size) continue;
        const wy = dy === 1 ? fr : 1 - fr;
        for (let dx = 0; dx <= 1; dx++) {
          const x = c0 + dx;
          const weight = wy * (dx === 1 ? fc : 1 - fc);
          if (x < 0 || x >= size || weight === 0) continue;
          const from = (y * size + x) * 3;
          target[at] = target[at]! + weight * image[from]!;
          target[at + 1] = target[at + 1]! + weight * image[from + 1]!;
          target[at + 2] = target[at + 2]! + weight * image[from + 2]!;
        }
      }
    }
  }
}

function swap(values: Float32Array | Int8Array, a: number, b: number): void {
  const tmp = values[a]!;
  values[a] = values[b]!;
  values[b] = tmp;
}
