/**
 * Per-sample samplers: each candidate gets a score on its own and the best B are taken. Cost O(n·C + n log n) time,
 * O(n) memory, independent of the labelled set. Inputs are assumed validated (see registry.ts).
 */
import { createRng, permutation } from '@shared/random';
import type { Reason, Sampler, SamplerInput } from './types';

const TOP_JOINTS = 3;

/**
 * The `budget` best rows by score, best first; ties go to the lower index so the order is deterministic
 * (the reference's sort order is arbitrary on ties, spec G24).
 */
export function rankByScore(scores: Float64Array, budget: number, best: 'highest' | 'lowest'): Int32Array {
  const direction = best === 'highest' ? -1 : 1;
  const order = Int32Array.from(scores.keys());
  order.sort((a, b) => direction * (scores[a]! - scores[b]!) || a - b);
  return order.slice(0, Math.min(budget, scores.length));
}

/** J, defaulting to C / 3 (3-D joints); validated to divide C. */
export function jointCountOf(input: SamplerInput): number {
  return input.jointCount ?? input.dims / 3;
}

/** Sum of each row of an n×C matrix. */
function rowSums(values: Float32Array, dims: number): Float64Array {
  const sums = new Float64Array(values.length / dims);
  for (let i = 0; i < sums.length; i++) {
    let sum = 0;
    for (let c = i * dims; c < (i + 1) * dims; c++) sum += values[c]!;
    sums[i] = sum;
  }
  return sums;
}

/** The `TOP_JOINTS` joints of one row with the largest sum over their coordinates, largest first. */
function topJointSums(
  values: Float32Array,
  row: number,
  dims: number,
  jointCount: number,
): [number, number][] {
  const perJoint = dims / jointCount;
  const sums = Array.from({ length: jointCount }, (_, joint): [number, number] => {
    let sum = 0;
    for (let c = 0; c < perJoint; c++) sum += values[row * dims + joint * perJoint + c]!;
    return [joint, sum];
  });
  return sums.sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, TOP_JOINTS);
}

function formatJoints(joints: [number, number][]): string {
  return joints.map(([joint, value]) => `joint ${joint} (${value.toPrecision(3)})`).join(', ');
}

/** Random (§5.2): the first B entries of a seeded Fisher–Yates permutation. O(n) time and memory. */
export const random: Sampler = (input, options) => {
  const seed = options.seed ?? 0;
  const candidateCount = input.candidates.mean.length / input.dims;
  const picks = permutation(candidateCount, createRng(seed)).slice(
    0,
    Math.min(options.budget, candidateCount),
  );
  const reasons = Array.from(picks, (): Reason => ({
    kind: 'random',
    seed,
    sentence: `Drawn at random (seed ${seed}).`,
  }));
  return { sampler: 'random', picks, reasons };
};

/**
 * Uncertainty sampling (`unc`, §5.3): score_i = Σ_c σ_ic (summed per-coordinate epistemic std, not variance);
 * the B highest, most uncertain first.
 */
export const uncertainty: Sampler = (input, options) => {
  const std = input.candidates.std!;
  const { dims } = input;
  const jointCount = jointCountOf(input);
  const scores = rowSums(std, dims);
  const picks = rankByScore(scores, options.budget, 'highest');
  const reasons = Array.from(picks, (pick): Reason => {
    const joints = topJointSums(std, pick, dims, jointCount);
    const sumStd = scores[pick]!;
    return {
      kind: 'uncertainty',
      sumStd,
      topJoints: joints.map(([joint, value]) => ({ joint, std: value })),
      sentence: `The model disagrees with itself: summed std ${sumStd.toPrecision(3)}, most on ${formatJoints(joints)}.`,
    };
  });
  return { sampler: 'uncertainty', picks, reasons };
};

/**
 * Aleatoric: score_i = (1/C)·Σ_c σ²_ic (mean per-coordinate aleatoric variance, linear units); the B highest.
 * Joints are ranked by their mean variance. Note: VL4Pose's reference ranks by the mean *log*-variance instead.
 */
export const aleatoric: Sampler = (input, options) => {
  const variance = input.candidates.aleatoric!;
  const { dims } = input;
  const jointCount = jointCountOf(input);
  const perJoint = dims / jointCount;
  const scores = rowSums(variance, dims).map((sum) => sum / dims);
  const picks = rankByScore(scores, options.budget, 'highest');
  const reasons = Array.from(picks, (pick): Reason => {
    const joints = topJointSums(variance, pick, dims, jointCount).map(([joint, sum]): [number, number] => [
      joint,
      sum / perJoint,
    ]);
    const meanVariance = scores[pick]!;
    return {
      kind: 'aleatoric',
      meanVariance,
      topJoints: joints.map(([joint, value]) => ({ joint, variance: value })),
      sentence: `Hard to label (inherently ambiguous): mean variance ${meanVariance.toPrecision(3)}, most on ${formatJoints(joints)}.`,
    };
  });
  return { sampler: 'aleatoric', picks, reasons };
};
