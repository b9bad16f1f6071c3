import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@shared/random';
import { ALL_WASM_PATCHES, registerWasmPatches } from '../../../src/main/learner/patches';
import { DeepPriorModel } from '../../../src/main/learner/models/deepprior/model';
import { poseLoss } from '../../../src/main/learner/models/deepprior/losses';
import { validateModelConfig } from '../../../src/main/learner/models/deepprior/validate';

// A tiny DeepPrior (20×20 input → conv 16 → pool 8 → conv 4 → pool 2 → conv... kernel 3 keeps three convs valid).
const config = validateModelConfig(
  {
    preset: 'fast',
    variant: 'A',
    inputSize: 22,
    kernelSize: 3,
    convFilters: 4,
    denseUnits: [16, 8],
    outputs: 6,
  },
  'cpu',
);
const BATCH = 3;

function inputs(): { x: Float32Array; y: Float32Array } {
  const rng = createRng(7);
  // Negative-heavy input: many pooling windows are all-negative, which the stock wasm MaxPoolGrad gets wrong.
  const x = Float32Array.from({ length: BATCH * 22 * 22 }, () => rng.uniform(-1, 0.3));
  const y = Float32Array.from({ length: BATCH * 6 }, () => rng.uniform(-0.3, 0.3));
  return { x, y };
}

/** Gradients of every weight of the same model (same init seed, same masks) on the current backend. */
function gradients(): { grads: Map<string, Float32Array>; negativeWindows: number } {
  const model = new DeepPriorModel(config, 3);
  const { x, y } = inputs();
  const names = [...model.readWeights().keys()];
  const result = tf.tidy(() => {
    const xs = tf.tensor4d(x, [BATCH, 22, 22, 1]);
    const ys = tf.tensor2d(y, [BATCH, 6]);
    const conv1 = tf.conv2d(xs, model.trainableVariables[0] as tf.Tensor4D, 1, 'valid');
    // Count 2×2 pooling windows of conv1 whose four values are all negative: the case the patch fixes.
    const windowMax = tf.maxPool(conv1, 2, 2, 'valid');
    const negativeWindows = tf.sum(tf.cast(tf.less(windowMax, 0), 'float32')).dataSync()[0]!;
    const { grads } = tf.variableGrads(() => {
      const out = model.apply(xs, (row) => 100 + row);
      return poseLoss('reference', ys, out.mean, out.logVar);
    }, model.trainableVariables);
    return {
      grads: model.trainableVariables.map((v) => grads[v.name]!.dataSync() as Float32Array),
      negativeWindows,
    };
  });
  model.dispose();
  return {
    grads: new Map(names.map((name, i) => [name, result.grads[i]!])),
    negativeWindows: result.negativeWindows,
  };
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const value of b) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  return worst;
}

describe('wasm kernel patches', () => {
  let reference: ReturnType<typeof gradients>;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    reference = gradients();
    registerWasmPatches();
    await tf.setBackend('wasm');
  });

  afterAll(() => {
    registerWasmPatches(ALL_WASM_PATCHES);
  });

  it('the test model really has all-negative max-pool windows', () => {
    expect(reference.negativeWindows).toBeGreaterThan(10);
  });

  it('wasm gradients of every weight match cpu with all patches', () => {
    registerWasmPatches(ALL_WASM_PATCHES);
    const { grads } = gradients();
    expect([...grads.keys()]).toEqual([...reference.grads.keys()]);
    for (const [name, grad] of grads)
      expect(maxRelativeError(grad, reference.grads.get(name)!), name).toBeLessThan(1e-4);
  });

  it('MaxPoolGrad matches cpu for other windows too (3×3 stride 1 same, 3×3 stride 2 valid)', async () => {
    const rng = createRng(11);
    const x = Float32Array.from({ length: 2 * 7 * 9 * 3 }, () => rng.uniform(-1, 0.2));
    const poolGradient = (filter: number, stride: number, pad: 'same' | 'valid'): Float32Array =>
      tf.tidy(() => {
        const input = tf.tensor4d(x, [2, 7, 9, 3]);
        const pooled = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, filter, stride, pad);
        const weights = tf.range(1, pooled(input).size + 1).reshape(pooled(input).shape);
        return tf
          .grad((t) => tf.sum(tf.mul(pooled(t), weights)))(input)
          .dataSync() as Float32Array;
      });
    const settings: [number, number, 'same' | 'valid'][] = [
      [3, 1, 'same'],
      [3, 2, 'valid'],
    ];
    const onWasm = settings.map(([f, s, pad]) => poolGradient(f, s, pad));
    await tf.setBackend('cpu');
    const onCpu = settings.map(([f, s, pad]) => poolGradient(f, s, pad));
    await tf.setBackend('wasm');
    onWasm.forEach((grad, i) => expect(Array.from(grad)).toEqual(Array.from(onCpu[i]!)));
  });

  it('without the MaxPoolGrad fix the conv gradients are wrong', () => {
    registerWasmPatches({ ...ALL_WASM_PATCHES, maxPoolGrad: false });
    const { grads } = gradients();
    expect(
      maxRelativeError(grads.get('conv1/kernel')!, reference.grads.get('conv1/kernel')!),
    ).toBeGreaterThan(1e-3);
  });

  it('without the Conv2DBackpropFilter kernel training fails', () => {
    registerWasmPatches({ ...ALL_WASM_PATCHES, conv2dBackpropFilter: false });
    expect(() => gradients()).toThrow(/Conv2DBackpropFilter/);
  });

  it('the speed-up patches give the same gradients as the stock kernels', () => {
    registerWasmPatches({ ...ALL_WASM_PATCHES, batchMatMul: false, conv2dBackpropInput: false });
    const stock = gradients().grads;
    registerWasmPatches(ALL_WASM_PATCHES);
    const patched = gradients().grads;
    for (const [name, grad] of patched)
      expect(maxRelativeError(grad, stock.get(name)!), name).toBeLessThan(1e-4);
  });
});
