import * as tf from '@tensorflow/tfjs';

/** Float32 weights by name, in a fixed order: what checkpoints store. */
export type NamedWeights = Map<string, { shape: number[]; values: Float32Array }>;

/** Copies of the given variables' values, keyed by their names, in iteration order. */
export function readNamedWeights(variables: Iterable<[string, tf.Variable]>): NamedWeights {
  const out: NamedWeights = new Map();
  for (const [name, variable] of variables) {
    out.set(name, { shape: [...variable.shape], values: Float32Array.from(variable.dataSync()) });
  }
  return out;
}

/** Overwrites every given variable from `weights`; each must be there with exactly the variable's shape. */
export function loadNamedWeights(variables: Iterable<[string, tf.Variable]>, weights: NamedWeights): void {
  for (const [name, variable] of variables) {
    const stored = weights.get(name);
    if (stored === undefined) throw new Error(`checkpoint has no weight '${name}'`);
    if (stored.shape.join('x') !== variable.shape.join('x')) {
      throw new Error(
        `weight '${name}' has shape ${stored.shape.join('x')}, model expects ${variable.shape.join('x')}`,
      );
    }
    tf.tidy(() => variable.assign(tf.tensor(stored.values, variable.shape)));
  }
}
