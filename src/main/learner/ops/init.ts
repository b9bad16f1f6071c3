import type { Rng } from '@shared/random';

/** Glorot/Xavier uniform (Keras default for conv and dense kernels): U(±√(6/(fanIn+fanOut))). */
export function glorotUniform(size: number, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  return uniformFill(size, Math.sqrt(6 / (fanIn + fanOut)), rng);
}

/** PyTorch's default Linear init (Kaiming uniform, a = √5, for weights and biases): U(±1/√fanIn). */
export function torchLinearUniform(size: number, fanIn: number, rng: Rng): Float32Array {
  return uniformFill(size, 1 / Math.sqrt(fanIn), rng);
}

function uniformFill(size: number, limit: number, rng: Rng): Float32Array {
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(-limit, limit);
  return values;
}
