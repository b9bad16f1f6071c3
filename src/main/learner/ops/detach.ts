import * as tf from '@tensorflow/tfjs';

/**
 * Identity whose gradient is zero (tfjs has no stopGradient): the VL4Pose auxiliary head reads the pose model's
 * features but must never push gradients into it (spec vl4pose §3.3).
 */
export const detach: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as (x: tf.Tensor) => tf.Tensor;
