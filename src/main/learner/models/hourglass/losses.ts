import * as tf from '@tensorflow/tfjs';
import { LOG_VARIANCE_LIMIT } from '@shared/pose2d/likelihood';

/**
 * Added to both true losses of a pair: leaves any real loss unchanged in float32 and turns a pair of two zero losses
 * (no preferred order; NaN in [R]) into the target (½, ½), as the shared reference does, without a branch (tfjs has
 * no gradient for comparisons, and the target is computed inside the gradient scope).
 */
const PAIR_EPSILON = 1e-20;

/**
 * Per-sample pose loss (spec §3.3): for each stack the mean over J×G×G of (ŷ − y)², then the mean over stacks; [n].
 * No visibility mask: a missing joint's target map is all zero.
 */
export function perSampleHeatmapLoss(predicted: readonly tf.Tensor4D[], target: tf.Tensor4D): tf.Tensor1D {
  const perStack = predicted.map((heatmaps) => tf.mean(tf.squaredDifference(heatmaps, target), [1, 2, 3]));
  return tf.div(tf.addN(perStack), predicted.length) as tf.Tensor1D;
}

/**
 * VL4Pose NLL (spec §3.2): with (μ_k, s_k) interleaved in `linkParams` [n, 2L], target distances d [n, L] (grid px
 * between the integer argmaxes of the GT heatmaps) and mask m [n, L] (both joints exist),
 * mean over all n·L of m·(½·(μ − d)²·e^(−s) + ½·s); masked links stay in the denominator, ½·ln 2π is omitted.
 */
export function vl4poseLoss(linkParams: tf.Tensor2D, distances: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  const [n, links] = distances.shape;
  const [mean, logVar] = tf
    .split(tf.reshape(linkParams, [n, links, 2]), 2, 2)
    .map((t) => tf.reshape(t, [n, links]));
  return gaussianNll(tf.squaredDifference(mean!, distances), logVar!, mask);
}

/**
 * Aleatoric loss (spec §5.2): r = squared grid distance between the integer argmaxes of the (detached) prediction
 * and of the GT map, [n, J]; mean over n·J of e·(½·r·e^(−s) + ½·s) with e the exist flag.
 */
export function aleatoricLoss(
  logVar: tf.Tensor2D,
  squaredError: tf.Tensor2D,
  exists: tf.Tensor2D,
): tf.Scalar {
  return gaussianNll(squaredError, logVar, exists);
}

/**
 * LearningLoss++ KL objective (spec §5.1): pairs (i, i + n/2); target t = (ℓ_i, ℓ_j)/(ℓ_i + ℓ_j) from the true losses,
 * prediction softmax(ê_i, ê_j); Σ_pairs KL(t ‖ softmax ê) / #pairs. An odd last sample is left out; n < 2 gives 0.
 */
export function learningLossKl(predicted: tf.Tensor1D, trueLoss: tf.Tensor1D): tf.Scalar {
  const half = Math.floor(predicted.shape[0] / 2);
  if (half === 0) return tf.scalar(0);
  const pairs = (v: tf.Tensor1D): tf.Tensor2D =>
    tf.stack([tf.slice(v, 0, half), tf.slice(v, half, half)], 1) as tf.Tensor2D;
  const truePairs = tf.add(pairs(trueLoss), PAIR_EPSILON);
  const target = tf.div(truePairs, tf.sum(truePairs, 1, true));
  const kl = tf.mul(target, tf.sub(tf.log(target), tf.logSoftmax(pairs(predicted))));
  return tf.div(tf.sum(kl), half);
}

/**
 * mean(m·(½·r²·e^(−s) + ½·s)) with s clamped to ±LOG_VARIANCE_LIMIT (as the shared scoring code; the reference does
 * not clamp). Inside the range this is exactly the reference loss; outside, the gradient is zero instead of an
 * e^(−s) overflow turning a masked term into 0·∞ = NaN.
 */
function gaussianNll(squaredResidual: tf.Tensor, logVar: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const s = tf.clipByValue(logVar, -LOG_VARIANCE_LIMIT, LOG_VARIANCE_LIMIT);
  return tf.mean(tf.mul(mask, tf.mul(0.5, tf.add(tf.mul(squaredResidual, tf.exp(tf.neg(s))), s))));
}
