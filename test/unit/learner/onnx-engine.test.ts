import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@shared/random';
import {
  createDepthLearner,
  selectBackend,
  validateModelConfig,
  type DeepPriorVariant,
} from '../../../src/main/learner';
import {
  createOnnxMcNet,
  parseMcEngineName,
  runOnnxMcInference,
  selectMcEngine,
  type OnnxRuntime,
} from '../../../src/main/learner/engines';
import { runMcInference, type McOptions } from '../../../src/main/learner/models/deepprior/inference';
import { DeepPriorModel } from '../../../src/main/learner/models/deepprior/model';
import type { NamedWeights } from '../../../src/main/learner/models/named-weights';
import { Vl4PoseAuxHead } from '../../../src/main/learner/models/vl4pose-aux/model';
import { validateAuxConfig } from '../../../src/main/learner/models/vl4pose-aux/validate';
import { writeCheckpoint } from '../../../src/main/learner/node/checkpoint';
import type { McResult } from '../../../src/main/learner/protocol';
import { toWeightTable } from '../../../src/main/learner/training-loop';
import { blobCrops } from './synthetic';

const predictMc: ReturnType<typeof createDepthLearner>['predictMc'] = (options) =>
  createDepthLearner().predictMc(options);

const SIDE = 22;
const AUX = validateAuxConfig({ parents: [-1, 0, 1] });
/** A tiny net with an odd conv3 side (3×3) and an aux head, so that layout mistakes cannot cancel out. */
const tinyConfig = (variant: DeepPriorVariant) =>
  validateModelConfig(
    {
      preset: 'fast',
      variant,
      inputSize: SIDE,
      kernelSize: 3,
      convFilters: 4,
      denseUnits: [16, 12],
      outputs: 9,
    },
    'wasm',
  );
const images = blobCrops(11, SIDE, 3, 5);
let ort: OnnxRuntime;

/** Every weight random (the model's own init leaves biases at zero, which would hide a bias mix-up). */
function randomWeights(weights: NamedWeights, seed: number): NamedWeights {
  const rng = createRng(seed);
  return new Map(
    [...weights].map(([name, { shape, values }]) => [
      name,
      { shape, values: Float32Array.from(values, () => rng.uniform(-0.4, 0.4)) },
    ]),
  );
}

/** The same net and weights on TF.js (wasm) and on ONNX Runtime. */
async function bothEngines(variant: DeepPriorVariant, options: McOptions, withAux = true) {
  const config = tinyConfig(variant);
  const model = new DeepPriorModel(config, 1);
  const aux = withAux ? new Vl4PoseAuxHead(AUX, config.denseUnits[1], 1) : null;
  const weights = randomWeights(new Map([...model.readWeights(), ...(aux?.readWeights() ?? [])]), 7);
  model.loadWeights(weights);
  aux?.loadWeights(weights);
  const tfjs = runMcInference(model, aux, images.x, images.count, options, () => undefined);
  model.dispose();
  aux?.dispose();
  const net = await createOnnxMcNet(ort, config, withAux ? AUX : null, weights);
  let samplePasses = 0;
  const onnx = await runOnnxMcInference(net, images.x, images.count, options, (n) => (samplePasses += n));
  await net.dispose();
  return { tfjs, onnx, samplePasses, config, weights };
}

/** Within 1e-4, relative beyond magnitude 1 (random weights give aleatoric variances e^(2s) in the thousands). */
function expectClose(
  actual: Float32Array | null | undefined,
  expected: Float32Array | null | undefined,
): void {
  expect(actual?.length).toBe(expected?.length);
  let worst = 0;
  for (let i = 0; i < (expected?.length ?? 0); i++)
    worst = Math.max(worst, Math.abs(actual![i]! - expected![i]!) / Math.max(1, Math.abs(expected![i]!)));
  expect(worst).toBeLessThan(1e-4);
}

function expectSameResult(onnx: McResult, tfjs: McResult): void {
  expectClose(onnx.mean, tfjs.mean);
  expectClose(onnx.std, tfjs.std);
  expectClose(onnx.aleatoric, tfjs.aleatoric);
  expectClose(onnx.meanLogVar, tfjs.meanLogVar);
  expectClose(onnx.embedding, tfjs.embedding);
  expectClose(onnx.aux?.offsetMean, tfjs.aux?.offsetMean);
  expectClose(onnx.aux?.offsetLogVar, tfjs.aux?.offsetLogVar);
}

beforeAll(async () => {
  await selectBackend('wasm');
  const engine = await selectMcEngine('onnx');
  ort = engine.runtime!;
});

describe('ONNX Runtime MC engine', () => {
  it.each(['A', 'B', 'C', 'plain'] as const)(
    'variant %s: one pass with the same weights and masks matches TF.js within 1e-4',
    async (variant) => {
      const { tfjs, onnx } = await bothEngines(variant, { firstIndex: 3, passes: 1, seed: 9, batchSize: 4 });
      // With one pass the statistics are that pass's outputs: mean, exp(log-var), features, VL4Pose head.
      expect(tfjs.std.every((s) => s === 0)).toBe(true);
      expectSameResult(onnx, tfjs);
    },
  );

  it.each(['A', 'B', 'C'] as const)(
    'variant %s: M passes over uneven batches give the same statistics as TF.js',
    async (variant) => {
      // 11 samples in batches of 4 and 7 passes: runs of 5 samples × 7 passes cut at batch edges.
      const { tfjs, onnx, samplePasses } = await bothEngines(variant, {
        firstIndex: 0,
        passes: 7,
        seed: 21,
        batchSize: 4,
      });
      expect(samplePasses).toBe(11 * 7);
      expect(Math.max(...tfjs.std)).toBeGreaterThan(1e-3);
      expectSameResult(onnx, tfjs);
    },
  );

  it('more passes than one run holds (M = 45) are split into runs and still match', async () => {
    const { tfjs, onnx } = await bothEngines(
      'A',
      { firstIndex: 0, passes: 45, seed: 2, batchSize: 64 },
      false,
    );
    expectSameResult(onnx, tfjs);
  });

  it('per-joint mean and σ over M passes match in distribution across seeds', async () => {
    const passes = 300;
    const tfjs = (await bothEngines('C', { firstIndex: 0, passes, seed: 1, batchSize: 64 }, false)).tfjs;
    const onnx = (await bothEngines('C', { firstIndex: 0, passes, seed: 2, batchSize: 64 }, false)).onnx;
    expect(onnx.mean).not.toEqual(tfjs.mean);
    for (let i = 0; i < tfjs.mean.length; i++) {
      // Two means of M passes differ by a few standard errors at most.
      const sigma = Math.max(tfjs.std[i]!, onnx.std[i]!);
      expect(Math.abs(onnx.mean[i]! - tfjs.mean[i]!)).toBeLessThan((5 * sigma) / Math.sqrt(passes) + 1e-6);
    }
    // Per joint (its u, v, d over all samples), the σ estimates agree within 15 %.
    const joints = tinyConfig('C').outputs / 3;
    for (let joint = 0; joint < joints; joint++) {
      const rms = (std: Float32Array): number => {
        let sum = 0;
        let n = 0;
        for (let i = 0; i < std.length; i++) {
          if (Math.floor((i % (joints * 3)) / 3) !== joint) continue;
          sum += std[i]! ** 2;
          n += 1;
        }
        return Math.sqrt(sum / n);
      };
      expect(rms(onnx.std) / rms(tfjs.std)).toBeGreaterThan(0.85);
      expect(rms(onnx.std) / rms(tfjs.std)).toBeLessThan(1.15);
    }
  });

  it('engine choice: forced by caller or environment, and a bad name is refused', async () => {
    expect((await selectMcEngine('tfjs')).choice.name).toBe('tfjs');
    const onnx = await selectMcEngine();
    expect(onnx.choice.name).toBe('onnx');
    expect(onnx.choice.version).toMatch(/^\d+\.\d+/);
    expect(() => parseMcEngineName('cuda')).toThrow(/POSELOOP_MC_ENGINE=cuda is not an MC engine/);
  });
});

describe('predictMc with the ONNX engine (worker threads)', () => {
  let dir: string;
  let checkpointPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poseloop-onnx-'));
    const config = tinyConfig('A');
    const model = new DeepPriorModel(config, 3);
    const aux = new Vl4PoseAuxHead(AUX, config.denseUnits[1], 3);
    const weights = randomWeights(new Map([...model.readWeights(), ...aux.readWeights()]), 8);
    model.dispose();
    aux.dispose();
    checkpointPath = join(dir, 'random');
    await writeCheckpoint(
      checkpointPath,
      { seed: 3, config, aux: AUX, backend: { name: 'wasm', reason: 'test' }, metrics: {} as never },
      toWeightTable(weights),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is chosen by default, reports itself, and matches the TF.js engine for any worker count', async () => {
    const options = { checkpointPath, images, passes: 6, seed: 4, batchSize: 4, backend: 'wasm' as const };
    const progress: number[] = [];
    const fast = await predictMc({ ...options, workers: 2, onProgress: (p) => progress.push(p.fraction) });
    const single = await predictMc({ ...options, workers: 1 });
    const tfjs = await predictMc({ ...options, workers: 2, engine: 'tfjs' });
    expect(fast.engine.name).toBe('onnx');
    expect(tfjs.engine.name).toBe('tfjs');
    expect(progress.at(-1)).toBeCloseTo(1, 6);
    expect(single.mean).toEqual(fast.mean);
    expect(single.std).toEqual(fast.std);
    expectSameResult(fast, tfjs);
  });

  it('cancels: the signal rejects the run', async () => {
    const controller = new AbortController();
    const run = predictMc({
      checkpointPath,
      images,
      passes: 400,
      seed: 4,
      backend: 'wasm',
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
  });
});
