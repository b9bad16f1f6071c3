import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PAPER_PARAM_COUNTS } from '../../../src/main/learner/models/deepprior/constants';
import {
  gaussianLoss,
  mseLoss,
  poseLoss,
  referenceLoss,
} from '../../../src/main/learner/models/deepprior/losses';
import { DeepPriorModel } from '../../../src/main/learner/models/deepprior/model';
import { layerShapes, validateModelConfig } from '../../../src/main/learner/models/deepprior/validate';
import { validationSchedule } from '../../../src/main/learner/training-loop';
import { aggregatePasses } from '../../../src/main/learner/mc_stats';
import { runMcInference } from '../../../src/main/learner/models/deepprior/inference';
import { TINY } from './synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DeepPrior layers (T1)', () => {
  it('paper preset: layer shapes and parameter counts, plain and Bayesian', () => {
    const bayesian = validateModelConfig({ preset: 'paper' }, 'wasm');
    expect(layerShapes(bayesian)).toEqual({
      conv1: 124,
      pool1: 62,
      conv2: 58,
      pool2: 29,
      conv3: 25,
      flatten: 7500,
    });
    for (const [variant, expected] of [
      ['plain', PAPER_PARAM_COUNTS.plain],
      ['A', PAPER_PARAM_COUNTS.bayesian],
      ['C', 8_867_310],
    ] as const) {
      const model = new DeepPriorModel(validateModelConfig({ preset: 'paper', variant }, 'wasm'), 1);
      expect(model.paramCount(), variant).toBe(expected);
      const sizes = [...model.readWeights()].map(([name, w]) => [name, w.values.length]);
      expect(sizes.slice(0, 12)).toEqual([
        ['conv1/kernel', 300],
        ['conv1/bias', 12],
        ['conv2/kernel', 3600],
        ['conv2/bias', 12],
        ['conv3/kernel', 3600],
        ['conv3/bias', 12],
        ['dense1/kernel', 7_680_000],
        ['dense1/bias', 1024],
        ['dense2/kernel', 1_048_576],
        ['dense2/bias', 1024],
        ['mean/kernel', 64_512],
        ['mean/bias', 63],
      ]);
      model.dispose();
    }
  });

  it('auto preset is fast on cpu/wasm and paper on native backends; bad values list the choices', () => {
    expect(validateModelConfig({}, 'wasm').preset).toBe('fast');
    expect(validateModelConfig({}, 'node-gpu').inputSize).toBe(128);
    expect(validateModelConfig({ variant: 'plain' }, 'cpu').validationsPerEpoch).toBe(2);
    expect(() => validateModelConfig({ variant: 'D' as 'A' }, 'cpu')).toThrow(/plain, A, B, C/);
    expect(() => validateModelConfig({ inputSize: 16 }, 'cpu')).toThrow(/too small/);
  });

  it('forward output shapes, and dropout is seeded: same seeds same output, other seeds differ', () => {
    const model = new DeepPriorModel(validateModelConfig({ ...TINY, outputs: 9 }, 'cpu'), 2);
    const x = tf.randomUniform([2, 24, 24, 1], -0.5, 0.5, 'float32', 1) as tf.Tensor4D;
    const run = (seed: number): Float32Array =>
      tf.tidy(() => model.apply(x, (row) => seed + row).mean.dataSync() as Float32Array);
    const out = tf.tidy(() => {
      const o = model.apply(x, () => 1);
      return [o.mean.shape, o.logVar!.shape, o.features.shape];
    });
    expect(out).toEqual([
      [2, 9],
      [2, 9],
      [2, 32],
    ]);
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
    x.dispose();
    model.dispose();
  });
});

describe('losses (T2)', () => {
  const caseA = { y: [[0.1, -0.2, 0]], mean: [[0.2, -0.1, 0.3]], s: [[0, -1, 1]] };
  const caseB = {
    y: [
      [0.1, -0.2, 0],
      [0, 0, 0],
    ],
    mean: [
      [0.2, -0.1, 0.3],
      [0.5, 0, -0.5],
    ],
    s: [
      [0, -1, 1],
      [Math.log(0.5), 0, 0],
    ],
  };
  const value = (f: () => tf.Scalar): number => tf.tidy(() => f().dataSync()[0]!);

  it('reference loss = attenuated L1 + MSE', () => {
    const a = { y: tf.tensor2d(caseA.y), m: tf.tensor2d(caseA.mean), s: tf.tensor2d(caseA.s) };
    expect(value(() => mseLoss(a.y, a.m))).toBeCloseTo(0.03666667, 6);
    expect(value(() => referenceLoss(a.y, a.m, a.s))).toBeCloseTo(0.117032, 6);
    expect(value(() => gaussianLoss(a.y, a.m, a.s))).toBeCloseTo(0.01171533, 6);
    const b = { y: tf.tensor2d(caseB.y), m: tf.tensor2d(caseB.mean), s: tf.tensor2d(caseB.s) };
    expect(value(() => mseLoss(b.y, b.m))).toBeCloseTo(0.10166667, 6);
    expect(value(() => referenceLoss(b.y, b.m, b.s))).toBeCloseTo(0.20908707, 6);
    expect(value(() => poseLoss('reference', b.y, b.m, null))).toBeCloseTo(0.10166667, 6);
    tf.dispose([a.y, a.m, a.s, b.y, b.m, b.s]);
  });
});

describe('MC statistics (T3) and validation cadence (T10)', () => {
  it('aggregates M = 4 fixed passes', () => {
    const means = [
      [0.1, 0.5],
      [0.3, 0.4],
      [0.2, 0.7],
      [0, 0.6],
    ].map((p) => Float32Array.from(p));
    const logVars = [
      [-1, -2],
      [-1.2, -2],
      [-0.8, -2],
      [-1, -2],
    ].map((p) => Float32Array.from(p));
    const stats = aggregatePasses(means, { logVars, loss: 'gaussian' });
    expect([...stats.mean].map((v) => +v.toFixed(6))).toEqual([0.15, 0.55]);
    for (const s of stats.std) expect(s).toBeCloseTo(0.1118034, 6);
    expect(stats.std[0]! + stats.std[1]!).toBeCloseTo(0.2236068, 6);
    expect([...stats.meanLogVar!].map((v) => +v.toFixed(6))).toEqual([-1, -2]);
    // Gaussian loss: e^s is the variance; mean over passes of e^s.
    expect(stats.aleatoric![0]).toBeCloseTo(0.37157051, 6);
    expect(stats.aleatoric![1]).toBeCloseTo(0.13533528, 6);
    // Reference (L1) loss: e^s is the scale σ, so σ² = e^(2s): (e^−2 + e^−2.4 + e^−1.6 + e^−2) / 4 and e^−4.
    const reference = aggregatePasses(means, { logVars, loss: 'reference' });
    expect(reference.aleatoric![0]).toBeCloseTo(0.14082126, 6);
    expect(reference.aleatoric![1]).toBeCloseTo(0.01831564, 6);
    expect(Array.from(reference.meanLogVar!)).toEqual(Array.from(stats.meanLogVar!));
    expect(aggregatePasses(means, null).aleatoric).toBeNull();
  });

  it('batches per epoch and validation period (guarded for small sets)', () => {
    const rows: [number, number, number, number][] = [
      [100, 1, 1, 1],
      [200, 3, 1, 1],
      [1000, 15, 5, 7],
      [2000, 31, 10, 15],
      [5000, 78, 26, 39],
      [10000, 156, 52, 78],
    ];
    for (const [n, batches, bayesian, plain] of rows) {
      expect(validationSchedule(n, 64, 3)).toEqual({ batchesPerEpoch: batches, validFreq: bayesian });
      expect(validationSchedule(n, 64, 2).validFreq).toBe(plain);
    }
  });

  it('MC inference leaks no tensors and is repeatable for a seed', () => {
    const model = new DeepPriorModel(validateModelConfig({ ...TINY, outputs: 6 }, 'cpu'), 3);
    const x = Float32Array.from({ length: 5 * 24 * 24 }, (_, i) => Math.sin(i) * 0.5);
    const options = { firstIndex: 0, passes: 4, seed: 9, batchSize: 2 };
    const before = tf.memory().numTensors;
    const first = runMcInference(model, null, x, 5, options, () => undefined);
    expect(tf.memory().numTensors).toBe(before);
    const second = runMcInference(model, null, x, 5, options, () => undefined);
    expect(second.mean).toEqual(first.mean);
    expect(first.std.every((s) => s >= 0)).toBe(true);
    expect(first.std.some((s) => s > 0)).toBe(true);
    expect(first.embedding.length).toBe(5 * 32);
    // The split does not matter: rows 2..4 alone, with their global index, give the same numbers.
    const tail = runMcInference(
      model,
      null,
      x.subarray(2 * 576),
      3,
      { ...options, firstIndex: 2 },
      () => undefined,
    );
    expect(tail.mean).toEqual(first.mean.subarray(2 * 6));
    model.dispose();
  });
});
