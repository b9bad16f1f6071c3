/**
 * 2-D keypoint accuracy: PCK / PCKh (spec vl4pose §6.1) and the sub-pixel location the reference evaluates.
 *
 * Poses are flat n×J×2 arrays of (row, col) in any one unit (original-image pixels for the literature numbers, grid
 * pixels for quick checks); every normaliser must be in the same unit. Visibility follows §3.5: −1 absent, 0 occluded,
 * 1 visible. Pure code.
 */
import { jointIndex, type SkeletonLayout } from '../skeletons';
import type { GridPoint } from './likelihood';
import { globalArgmax } from './peaks';

/** MPII's head size is 0.6 × the head-box diagonal (`SC_BIAS` of the official evaluation). */
export const MPII_HEAD_SIZE_FACTOR = 0.6;
/** [R]'s threshold grid: linspace(0, 1, 20), i.e. i/19. */
export const REFERENCE_THRESHOLD_COUNT = 20;
/** Half-width of the sub-pixel averaging window (§6.1: ±2 px). */
const SUBPIXEL_RADIUS = 2;

export interface PoseErrorInput {
  jointCount: number;
  /** n×J×2 predicted (row, col). */
  predicted: ArrayLike<number>;
  /** n×J×2 ground-truth (row, col). */
  groundTruth: ArrayLike<number>;
  /** n×J visibility; absent (−1) joints are skipped, occluded ones count. Omit to count every joint. */
  visibility?: ArrayLike<number>;
  /** n per-sample normalisers (> 0), same unit as the positions. */
  normaliser: ArrayLike<number>;
}

export interface PckCurve {
  thresholds: Float64Array;
  /** J×T fractions correct (joint-major); NaN for a joint with no counted ground truth. */
  perJoint: Float64Array;
  /** J counted ground-truth joints. */
  counted: Int32Array;
  /** T fractions over the averaged joints (see the function). */
  mean: Float64Array;
}

/** ‖gt − pred‖ / normaliser for every (sample, joint), NaN where the ground truth is absent. O(n·J). */
export function normalisedErrors(input: PoseErrorInput): Float64Array {
  const { jointCount, predicted, groundTruth, visibility, normaliser } = input;
  const count = normaliser.length;
  const checks: [string, number, number][] = [
    ['predicted', predicted.length, count * jointCount * 2],
    ['groundTruth', groundTruth.length, count * jointCount * 2],
    ...(visibility
      ? [['visibility', visibility.length, count * jointCount] as [string, number, number]]
      : []),
  ];
  for (const [name, length, expected] of checks)
    if (length !== expected) throw new RangeError(`${name}: expected ${expected} values, got ${length}`);
  for (let i = 0; i < count; i++)
    if (!(normaliser[i]! > 0))
      throw new RangeError(`normaliser: sample ${i} is ${normaliser[i]}, must be > 0`);
  return Float64Array.from({ length: count * jointCount }, (_, k) => {
    if (visibility && visibility[k]! < 0) return NaN;
    const distance = Math.hypot(
      predicted[2 * k]! - groundTruth[2 * k]!,
      predicted[2 * k + 1]! - groundTruth[2 * k + 1]!,
    );
    return distance / normaliser[Math.floor(k / jointCount)]!;
  });
}

/**
 * Fraction of counted joints with normalised error strictly below each threshold. `average` picks how `mean` is
 * formed over `meanJoints` (default all): 'pooled' = correct/counted over all of them (the official MPII mean), or
 * 'perJoint' = the plain mean of the per-joint fractions ([R]'s `average`). O(n·J·T).
 */
function pckCurve(
  errors: Float64Array,
  jointCount: number,
  thresholds: Float64Array,
  average: 'pooled' | 'perJoint',
  meanJoints: readonly number[] = Array.from({ length: jointCount }, (_, j) => j),
): PckCurve {
  const thresholdCount = thresholds.length;
  const correct = new Int32Array(jointCount * thresholdCount);
  const counted = new Int32Array(jointCount);
  errors.forEach((error, k) => {
    if (Number.isNaN(error)) return;
    const joint = k % jointCount;
    counted[joint]!++;
    for (let t = 0; t < thresholdCount; t++)
      if (error < thresholds[t]!) correct[joint * thresholdCount + t]!++;
  });
  const perJoint = Float64Array.from(correct, (c, at) => c / counted[Math.floor(at / thresholdCount)]!);
  const mean = Float64Array.from(thresholds, (_, t) => {
    const joints = meanJoints.filter((j) => counted[j]! > 0);
    if (average === 'perJoint')
      return joints.reduce((s, j) => s + perJoint[j * thresholdCount + t]!, 0) / joints.length;
    const hits = joints.reduce((s, j) => s + correct[j * thresholdCount + t]!, 0);
    return hits / joints.reduce((s, j) => s + counted[j]!, 0);
  });
  return { thresholds, perJoint, counted, mean };
}

export interface PckResult {
  /** Per joint fraction correct, NaN for a joint with no counted ground truth. */
  perJoint: Float64Array;
  counted: Int32Array;
  /** Pooled over `meanJoints`: Σ correct / Σ counted. */
  mean: number;
}

/**
 * PCK@α: a joint is correct when ‖pred − gt‖ < α·normaliser (strict), absent ground truth skipped; `mean` pools the
 * `meanJoints` (default all; the official MPII mean leaves out pelvis and thorax). For LSP pass `torsoSizes`.
 * O(n·J).
 */
export function pck(input: PoseErrorInput, alpha: number, meanJoints?: readonly number[]): PckResult {
  const curve = pckCurve(
    normalisedErrors(input),
    input.jointCount,
    Float64Array.of(alpha),
    'pooled',
    meanJoints,
  );
  return { perJoint: curve.perJoint, counted: curve.counted, mean: curve.mean[0]! };
}

/**
 * PCK@α with sides ignored: a joint of a mirror pair also counts when it lies within the threshold of its partner's
 * ground truth (a prediction that finds "a wrist" but not which one). Beside `pck` it tells how much of a model's
 * error is left/right confusion; two joints of a pair on one limb can both count. Unpaired joints score as in `pck`.
 */
export function pckIgnoringSides(
  input: PoseErrorInput,
  alpha: number,
  mirrorPairs: readonly (readonly [number, number])[],
): PckResult {
  const { jointCount, groundTruth, visibility } = input;
  const partner = Array.from({ length: jointCount }, (_, j) => j);
  for (const [left, right] of mirrorPairs) [partner[left], partner[right]] = [right, left];
  const slots = input.normaliser.length * jointCount;
  /** The (sample, joint) slot of slot k's mirror partner. */
  const partnerSlot = (k: number): number => k - (k % jointCount) + partner[k % jointCount]!;
  const swapped = new Float64Array(slots * 2);
  for (let k = 0; k < slots; k++) {
    swapped[2 * k] = groundTruth[2 * partnerSlot(k)]!;
    swapped[2 * k + 1] = groundTruth[2 * partnerSlot(k) + 1]!;
  }
  const own = normalisedErrors(input);
  const partnerVisibility = visibility
    ? Int8Array.from({ length: slots }, (_, k) => visibility[partnerSlot(k)]!)
    : undefined;
  const crossed = normalisedErrors({
    ...input,
    groundTruth: swapped,
    ...(partnerVisibility ? { visibility: partnerVisibility } : {}),
  });
  // NaN (own truth absent) stays NaN: the joint is not counted; an absent partner leaves the joint's own error.
  const errors = own.map((error, k) => (Number.isNaN(crossed[k]!) ? error : Math.min(error, crossed[k]!)));
  const curve = pckCurve(errors, jointCount, Float64Array.of(alpha), 'pooled');
  return { perJoint: curve.perJoint, counted: curve.counted, mean: curve.mean[0]! };
}

/** ‖(x1, y1) − (x2, y2)‖ of a head box. */
export function headBoxDiagonal(box: { x1: number; y1: number; x2: number; y2: number }): number {
  return Math.hypot(box.x2 - box.x1, box.y2 - box.y1);
}

export type PckhInput = Omit<PoseErrorInput, 'normaliser'> & {
  /** n head-box diagonals (or `headSegmentSizes(…) / MPII_HEAD_SIZE_FACTOR` when there is no head box). */
  headBoxDiagonal: ArrayLike<number>;
};

/**
 * Standard (official MPII) PCKh@α, default α = 0.5: threshold α·0.6·‖head-box diagonal‖, strict `<`, absent ground
 * truth skipped, per joint and pooled mean over `meanJoints` (default all joints). O(n·J).
 */
export function pckh(
  input: PckhInput,
  options: { alpha?: number; meanJoints?: readonly number[] } = {},
): PckResult {
  const normaliser = Float64Array.from(input.headBoxDiagonal, (d) => MPII_HEAD_SIZE_FACTOR * d);
  return pck({ ...input, normaliser }, options.alpha ?? 0.5, options.meanJoints);
}

/**
 * [R]'s "PCKh" (§6.1, gotcha 16): normaliser = the *full* head-box diagonal (no 0.6), thresholds i/(T−1) for
 * i = 0…T−1 (T = 20), strict `<`, occluded ground truth counted (absent skipped when visibility is given), and
 * `mean` = the plain average of the per-joint curves over all joints incl. pelvis and thorax. Its threshold t
 * corresponds to the official PCKh@(t/0.6). O(n·J·T).
 */
export function referencePckhCurve(input: PckhInput, thresholdCount = REFERENCE_THRESHOLD_COUNT): PckCurve {
  if (!(Number.isInteger(thresholdCount) && thresholdCount >= 2))
    throw new RangeError(`thresholdCount must be an integer ≥ 2, got ${thresholdCount}`);
  const thresholds = Float64Array.from({ length: thresholdCount }, (_, i) => i / (thresholdCount - 1));
  const errors = normalisedErrors({ ...input, normaliser: input.headBoxDiagonal });
  return pckCurve(errors, input.jointCount, thresholds, 'perJoint');
}

function sampleDistance(pose: ArrayLike<number>, base: number, a: number, b: number): number {
  return Math.hypot(
    pose[base + 2 * a]! - pose[base + 2 * b]!,
    pose[base + 2 * a + 1]! - pose[base + 2 * b + 1]!,
  );
}

/** One value per sample from the distance between two named joints of each n×J×2 ground-truth pose. */
function perSampleDistances(
  groundTruth: ArrayLike<number>,
  layout: SkeletonLayout,
  distanceOf: (pose: ArrayLike<number>, base: number, joint: (name: string) => number) => number,
): Float64Array {
  const stride = layout.joints.length * 2;
  if (groundTruth.length % stride !== 0)
    throw new RangeError(
      `groundTruth: ${groundTruth.length} values is not a whole number of ${stride}-value poses`,
    );
  const joint = (name: string): number => jointIndex(layout, name);
  return Float64Array.from({ length: groundTruth.length / stride }, (_, i) =>
    distanceOf(groundTruth, i * stride, joint),
  );
}

/**
 * The LSP PCK normaliser per sample: torso = max(‖l_shoulder − r_hip‖, ‖r_shoulder − l_hip‖) (§6.1).
 * Throws when the layout lacks those joints. O(n).
 */
export function torsoSizes(groundTruth: ArrayLike<number>, layout: SkeletonLayout): Float64Array {
  return perSampleDistances(groundTruth, layout, (pose, base, joint) =>
    Math.max(
      sampleDistance(pose, base, joint('l_shoulder'), joint('r_hip')),
      sampleDistance(pose, base, joint('r_shoulder'), joint('l_hip')),
    ),
  );
}

/**
 * Head-size fallback when there is no head box (LSP, synthetic data): factor·‖head_top − neck‖ per sample.
 * Default factor 1: MPII's 0.6·diagonal is its stand-in for the head *segment* length (Andriluka et al. 2014
 * define PCKh by 50% of the head segment), which head_top − neck measures directly; so `pck(…, α)` with these
 * sizes approximates the official PCKh@α, and `sizes / 0.6` can stand in for the diagonal in `referencePckhCurve`.
 * If the head joint was pulled toward the neck ([R]'s MPII head = 0.8·top + 0.2·neck), pass factor 1.25. O(n).
 */
export function headSegmentSizes(
  groundTruth: ArrayLike<number>,
  layout: SkeletonLayout,
  factor = 1,
): Float64Array {
  return perSampleDistances(
    groundTruth,
    layout,
    (pose, base, joint) => factor * sampleDistance(pose, base, joint('head_top'), joint('neck')),
  );
}

/**
 * The reference's predicted location (§6.1): the integer argmax (first in row-major order on ties), refined to the
 * mean position weighted by clamp(h, 0) over the ±2 px window clipped to the grid; the argmax itself when that
 * window has no positive mass. Grid px (row, col); multiply by (S−1)/(G−1) for crop pixels. O(rows·cols).
 */
export function subpixelLocation(heatmap: ArrayLike<number>, rows: number, cols: number): GridPoint {
  if (heatmap.length !== rows * cols)
    throw new RangeError(`heatmap: expected ${rows}×${cols} values, got ${heatmap.length}`);
  const peak = globalArgmax(heatmap, rows, cols);
  let mass = 0;
  let row = 0;
  let col = 0;
  for (
    let r = Math.max(0, peak.row - SUBPIXEL_RADIUS);
    r <= Math.min(rows - 1, peak.row + SUBPIXEL_RADIUS);
    r++
  ) {
    for (
      let c = Math.max(0, peak.col - SUBPIXEL_RADIUS);
      c <= Math.min(cols - 1, peak.col + SUBPIXEL_RADIUS);
      c++
    ) {
      const weight = Math.max(0, heatmap[r * cols + c]!);
      mass += weight;
      row += weight * r;
      col += weight * c;
    }
  }
  return mass > 0 ? { row: row / mass, col: col / mass } : { row: peak.row, col: peak.col };
}
