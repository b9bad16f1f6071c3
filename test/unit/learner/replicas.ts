import type * as tf from '@tensorflow/tfjs';
import type { LossValues, Replica } from '../../../src/main/learner/replica';

/** A replica that records the gradients it is asked to apply (the batch's summed gradients), then applies them. */
export function recording<L extends LossValues>(
  replica: Replica<L>,
): { replica: Replica<L>; applied: Float32Array[][] } {
  const applied: Float32Array[][] = [];
  return {
    applied,
    replica: {
      variables: replica.variables,
      ...(replica.state === undefined ? {} : { state: replica.state }),
      ...(replica.reduceSize === undefined ? {} : { reduceSize: replica.reduceSize }),
      lossNames: replica.lossNames,
      gradients: (...args) => replica.gradients(...args),
      apply: (grads: readonly tf.Tensor[]) => {
        applied.push(grads.map((g) => Float32Array.from(g.dataSync())));
        replica.apply(grads);
      },
      dispose: () => replica.dispose(),
    },
  };
}

export function flat(arrays: Float32Array[]): Float32Array {
  return Float32Array.from(arrays.flatMap((a) => Array.from(a)));
}

export function maxAbs(values: Float32Array): number {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
