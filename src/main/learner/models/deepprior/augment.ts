import { createRng } from '@shared/random';
import { mixSeed } from '../../ops/seeds';

/**
 * Geometric augmentation of a normalised depth crop (spec §1.2–1.3 geometry) and of its normalised joint targets,
 * with an exact inverse. The crop is the window of a cube around a centre: an augmentation moves that centre by
 * (du, dv) crop sides and dd cube sides, scales the cube by `scale` and turns it by `angle` radians in the image
 * plane. Targets map as
 *   n'_uv = R(angle) · (n_uv − (du, dv)) / scale,   n'_d = (n_d − dd) / scale,
 * and back exactly with `unaugmentTargets`. Depth values follow the same depth map, v' = (v − dd) / scale, and
 * missing/background pixels (≥ 1) stay 1. Perspective is ignored inside the cube (the crop is small and far).
 * It runs in the training worker, per sample and per epoch, on the model-input crops the loop sends.
 */
export interface CropAugmentation {
  /** In-plane rotation, radians (image axes: u right, v down). */
  angle: number;
  /** Cube scale (> 0): 1.1 = a 10 % larger window, so the hand looks smaller. */
  scale: number;
  /** Centre shift in crop sides (u, v) and cube sides (d). */
  du: number;
  dv: number;
  dd: number;
}

export const NO_AUGMENTATION: CropAugmentation = Object.freeze({ angle: 0, scale: 1, du: 0, dv: 0, dd: 0 });

/** Random ranges of the training augmentation (a TrainJob field; absent = no augmentation). */
export interface DepthAugmentation {
  /** Max |angle| in degrees (uniform). */
  rotateDeg: number;
  /** Scale drawn log-uniformly in [1/(1+s), 1+s]. */
  scale: number;
  /**
   * Centre jitter: standard deviation per axis (u, v and d alike) in cube sides, i.e. mm / cube mm. In the image
   * plane one cube side is one crop side at the centre depth (S = fx·Bc/D), so the same fraction serves u, v and d.
   */
  shift: number;
}

/**
 * The default ranges, deliberately mild: ±10° in-plane turns, ±5 % cube scale and centre jitter of 10 mm per axis in a
 * 300 mm cube (about 16 mm mean 3-D offset, near the refined centre's error). With the few hundred optimiser steps a
 * round trains, stronger ranges (±30°, ±10 %, 20 mm) cost 10+ mm of test error on the synthetic demo.
 */
export const DEFAULT_DEPTH_AUGMENTATION: DepthAugmentation = Object.freeze({
  rotateDeg: 10,
  scale: 0.05,
  shift: 10 / 300,
});

/** Keeps the augmentation stream of a seed apart from its shuffle and dropout streams. */
const AUGMENT_STREAM = 0xa06;

/** Background/missing depth in a normalised crop (spec §1.2 step 6). */
const BACKGROUND = 1;

/** n' from n (normalised uvd, J×3); `out` may alias `targets`. O(J). */
export function augmentTargets(
  targets: ArrayLike<number>,
  a: CropAugmentation,
  out: Float32Array | Float64Array = new Float64Array(targets.length),
): Float32Array | Float64Array {
  const [cos, sin] = [Math.cos(a.angle), Math.sin(a.angle)];
  for (let i = 0; i + 2 < targets.length; i += 3) {
    const u = (targets[i]! - a.du) / a.scale;
    const v = (targets[i + 1]! - a.dv) / a.scale;
    const d = (targets[i + 2]! - a.dd) / a.scale;
    out[i] = cos * u - sin * v;
    out[i + 1] = sin * u + cos * v;
    out[i + 2] = d;
  }
  return out;
}

/** The exact inverse of `augmentTargets`: a prediction on an augmented crop back to the original crop. */
export function unaugmentTargets(
  augmented: ArrayLike<number>,
  a: CropAugmentation,
  out: Float32Array | Float64Array = new Float64Array(augmented.length),
): Float32Array | Float64Array {
  const [cos, sin] = [Math.cos(a.angle), Math.sin(a.angle)];
  for (let i = 0; i + 2 < augmented.length; i += 3) {
    const u = augmented[i]!;
    const v = augmented[i + 1]!;
    const d = augmented[i + 2]!;
    out[i] = a.scale * (cos * u + sin * v) + a.du;
    out[i + 1] = a.scale * (-sin * u + cos * v) + a.dv;
    out[i + 2] = a.scale * d + a.dd;
  }
  return out;
}

/**
 * Resamples a size×size normalised crop under `a` (bilinear, half-pixel centres; outside the crop = background).
 * Output pixel q' (normalised offset from the centre) reads the input at q = scale·R(−angle)·q' + (du, dv), the
 * same map as the targets, so joints stay on the hand. `out` must not alias `crop`. O(size²).
 */
export function augmentCrop(
  crop: ArrayLike<number>,
  size: number,
  a: CropAugmentation,
  out: Float32Array = new Float32Array(size * size),
): Float32Array {
  const [cos, sin] = [Math.cos(a.angle), Math.sin(a.angle)];
  const value = (x: number, y: number): number => {
    if (x < 0 || y < 0 || x >= size || y >= size) return BACKGROUND;
    const v = crop[y * size + x]!;
    return v >= BACKGROUND ? BACKGROUND : Math.max(-BACKGROUND, (v - a.dd) / a.scale);
  };
  for (let row = 0; row < size; row++) {
    const qv = (row + 0.5) / size - 0.5;
    for (let col = 0; col < size; col++) {
      const qu = (col + 0.5) / size - 0.5;
      const su = a.scale * (cos * qu + sin * qv) + a.du;
      const sv = a.scale * (-sin * qu + cos * qv) + a.dv;
      const x = (su + 0.5) * size - 0.5;
      const y = (sv + 0.5) * size - 0.5;
      const [x0, y0] = [Math.floor(x), Math.floor(y)];
      const [wx, wy] = [x - x0, y - y0];
      const top = value(x0, y0) * (1 - wx) + value(x0 + 1, y0) * wx;
      const bottom = value(x0, y0 + 1) * (1 - wx) + value(x0 + 1, y0 + 1) * wx;
      out[row * size + col] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Draws one augmentation from `random` (uniform [0, 1)) and `normal` (standard normal) sources. */
export function drawAugmentation(
  ranges: DepthAugmentation,
  random: () => number,
  normal: () => number,
): CropAugmentation {
  const logScale = Math.log1p(ranges.scale);
  return {
    angle: ((2 * random() - 1) * ranges.rotateDeg * Math.PI) / 180,
    scale: Math.exp((2 * random() - 1) * logScale),
    du: ranges.shift * normal(),
    dv: ranges.shift * normal(),
    dd: ranges.shift * normal(),
  };
}

/**
 * The augmentation of training sample `sample` in `epoch`: keyed by (seed, epoch, sample), never by a running
 * stream, so it is fresh every epoch, repeatable for a seed, and the same whichever batch or worker thread draws it.
 */
export function augmentationOf(
  ranges: DepthAugmentation,
  seed: number,
  epoch: number,
  sample: number,
): CropAugmentation {
  const rng = createRng(mixSeed(seed, AUGMENT_STREAM, epoch, sample));
  return drawAugmentation(ranges, rng.next, rng.normal);
}

/**
 * Augments one gathered batch in place: rows r of `x` (size² each) and `y` (outputs each) hold training sample
 * `order[start + r]`. `scratch` is one crop of work space.
 */
export function augmentBatch(
  batch: { x: Float32Array; y: Float32Array; count: number },
  size: number,
  ranges: DepthAugmentation,
  key: { seed: number; epoch: number; order: Int32Array; start: number },
  scratch: Float32Array = new Float32Array(size * size),
): void {
  const pixels = size * size;
  const outputs = batch.y.length / batch.count;
  for (let r = 0; r < batch.count; r++) {
    const a = augmentationOf(ranges, key.seed, key.epoch, key.order[key.start + r]!);
    const crop = batch.x.subarray(r * pixels, (r + 1) * pixels);
    scratch.set(crop);
    augmentCrop(scratch, size, a, crop);
    const y = batch.y.subarray(r * outputs, (r + 1) * outputs);
    augmentTargets(y, a, y);
  }
}
