import * as tf from '@tensorflow/tfjs';
import type { DeepPriorLoss } from './types';

/** Mean over batch and coordinates of (y − ŷ)². The plain model's loss and the reference loss's second term. */
export function mseLoss(y: tf.Tensor2D, mean: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.squaredDifference(y, mean));
}

/**
 * Spec §3.2 [code]: L_het = mean(½·e^(−s)·|y − ŷ| + ½·s) plus L_mse = mean((y − ŷ)²), weight 1 each.
 * T2 case A gives 0.08036534 + 0.03666667 = 0.11703200.
 */
export function referenceLoss(y: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  const attenuated = tf.mul(0.5, tf.add(tf.mul(tf.exp(tf.neg(logVar)), tf.abs(tf.sub(y, mean))), logVar));
  return tf.add(tf.mean(attenuated), mseLoss(y, mean));
}

/** The paper's Eq. 2 (Kendall & Gal): mean(½·e^(−s)·(y − ŷ)² + ½·s). T2 case A gives 0.01171533. */
export function gaussianLoss(y: tf.Tensor2D, mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.mul(0.5, tf.add(tf.mul(tf.exp(tf.neg(logVar)), tf.squaredDifference(y, mean)), logVar)));
}

/** The training loss of a model: MSE for the plain model, else the configured heteroscedastic loss. */
export function poseLoss(
  kind: DeepPriorLoss,
  y: tf.Tensor2D,
  mean: tf.Tensor2D,
  logVar: tf.Tensor2D | null,
): tf.Scalar {
  if (logVar === null) return mseLoss(y, mean);
  return kind === 'reference' ? referenceLoss(y, mean, logVar) : gaussianLoss(y, mean, logVar);
}
