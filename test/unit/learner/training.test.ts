import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDepthLearner,
  loadCheckpoint,
  selectBackend,
  type TrainOutcome,
} from '../../../src/main/learner';
import { runMcInference } from '../../../src/main/learner/models/deepprior/inference';
import { meanPoseBaseline } from '../../../src/main/loop/depth/evaluation';
import { DeepPriorModel } from '../../../src/main/learner/models/deepprior/model';
import { Vl4PoseAuxHead } from '../../../src/main/learner/models/vl4pose-aux/model';
import { blobCrops, TINY } from './synthetic';

// Every worker (and this thread) uses the patched wasm backend, the one users without native TF get.
const backend = 'wasm' as const;
const SIDE = 24;
const JOINTS = 3;
const train = blobCrops(384, SIDE, JOINTS, 1);
const val = blobCrops(64, SIDE, JOINTS, 2);
let dir: string;
let trained: TrainOutcome;
const deepprior = createDepthLearner();

function meanAbsError(predicted: Float32Array, truth: Float32Array): number {
  let total = 0;
  for (let i = 0; i < truth.length; i++) total += Math.abs(predicted[i]! - truth[i]!);
  return total / truth.length;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'poseloop-learner-'));
  const progress: number[] = [];
  trained = await deepprior.train({
    config: { ...TINY, epochs: 30 },
    aux: { parents: [-1, 0, 1] },
    train,
    val,
    seed: 4,
    backend,
    checkpointDir: dir,
    checkpointName: 'blob',
    onProgress: (p) => progress.push(p.fraction),
  });
  expect(progress.length).toBeGreaterThan(10);
  expect(progress.at(-1)).toBeCloseTo(1, 6);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('training in a worker', () => {
  it('learns the blob: validation error well below predicting the mean pose', async () => {
    const baseline = meanPoseBaseline(train.y, train.count);
    const baselinePredictions = new Float32Array(val.y.length).map((_, i) => baseline[i % baseline.length]!);
    const prediction = await deepprior.predictMc({
      checkpointPath: trained.checkpointPath,
      images: val,
      passes: 8,
      seed: 1,
      workers: 1,
      backend,
    });
    const baselineError = meanAbsError(baselinePredictions, val.y);
    const learnedError = meanAbsError(prediction.mean, val.y);
    expect(learnedError).toBeLessThan(0.5 * baselineError);
    expect(trained.backend.name).toBe('wasm');
    expect(trained.metrics.bestValMse).not.toBeNull();
    expect(prediction.aux?.offsetMean.length).toBe(val.count * 2 * 3);
  });

  it('checkpoint round-trip: in-thread predictions from the loaded weights equal the worker predictions', async () => {
    const checkpoint = await loadCheckpoint(trained.checkpointPath);
    expect(checkpoint.meta.backend.name).toBe('wasm');
    expect(checkpoint.meta.config.inputSize).toBe(SIDE);
    await selectBackend(backend);
    const model = new DeepPriorModel(checkpoint.meta.config, checkpoint.meta.seed);
    const aux = new Vl4PoseAuxHead(checkpoint.meta.aux!, checkpoint.meta.config.denseUnits[1], 0);
    model.loadWeights(checkpoint.weights);
    aux.loadWeights(checkpoint.weights);
    const before = tf.memory().numTensors;
    const local = runMcInference(
      model,
      aux,
      val.x,
      val.count,
      { firstIndex: 0, passes: 5, seed: 3, batchSize: 64 },
      () => undefined,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    aux.dispose();
    const remote = await deepprior.predictMc({
      checkpointPath: trained.checkpointPath,
      images: val,
      passes: 5,
      seed: 3,
      workers: 1,
      backend,
      // Bit-identical only on the same engine (the ONNX engine's equivalence is tested in onnx-engine.test.ts).
      engine: 'tfjs',
    });
    expect(remote.mean).toEqual(local.mean);
    expect(remote.std).toEqual(local.std);
    expect(remote.aux!.offsetLogVar).toEqual(local.aux!.offsetLogVar);
  });

  it('multi-worker MC equals single-worker MC for the same seed', async () => {
    const options = {
      checkpointPath: trained.checkpointPath,
      images: val,
      passes: 6,
      seed: 11,
      batchSize: 16,
      backend,
    };
    const single = await deepprior.predictMc({ ...options, workers: 1 });
    const split = await deepprior.predictMc({ ...options, workers: 3 });
    expect(split.mean).toEqual(single.mean);
    expect(split.std).toEqual(single.std);
    expect(split.aleatoric).toEqual(single.aleatoric);
    expect(split.embedding).toEqual(single.embedding);
    const otherSeed = await deepprior.predictMc({ ...options, workers: 1, seed: 12 });
    expect(otherSeed.mean).not.toEqual(single.mean);
  });

  it('a cancelled run leaves no checkpoint, not even a temporary folder', async () => {
    const cancelDir = await mkdtemp(join(tmpdir(), 'poseloop-cancel-'));
    const controller = new AbortController();
    const run = deepprior.train({
      config: { ...TINY, epochs: 50 },
      train,
      seed: 1,
      backend,
      checkpointDir: cancelDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(cancelDir)).toEqual([]);
    await rm(cancelDir, { recursive: true, force: true });
  });

  it('disposing a learner cancels its running training and refuses later calls', async () => {
    const disposeDir = await mkdtemp(join(tmpdir(), 'poseloop-dispose-'));
    const learner = createDepthLearner({ backend });
    const run = learner.train({
      config: { ...TINY, epochs: 50 },
      train,
      seed: 1,
      checkpointDir: disposeDir,
      onProgress: (p) => {
        if (p.epoch === 2) learner.dispose();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(disposeDir)).toEqual([]);
    await expect(
      learner.predictMc({ checkpointPath: trained.checkpointPath, images: val }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    await rm(disposeDir, { recursive: true, force: true });
  });

  it('a NaN loss stops training with a clear error and writes nothing', async () => {
    const nanDir = await mkdtemp(join(tmpdir(), 'poseloop-nan-'));
    const broken = { ...train, y: train.y.map((v, i) => (i === 5 ? Number.NaN : v)) };
    await expect(
      deepprior.train({
        config: { ...TINY, epochs: 2 },
        train: broken,
        seed: 1,
        backend,
        checkpointDir: nanDir,
      }),
    ).rejects.toThrow(/diverged.*NaN.*previous model/);
    expect(await readdir(nanDir)).toEqual([]);
    await rm(nanDir, { recursive: true, force: true });
  });

  it('fine-tuning starts from the given checkpoint: its weights score exactly what the checkpoint scored', async () => {
    const tuned = await deepprior.train({
      config: { ...TINY, epochs: 1 },
      aux: { parents: [-1, 0, 1] },
      train,
      val,
      seed: 4,
      backend,
      checkpointDir: dir,
      checkpointName: 'tuned',
      initialCheckpoint: trained.checkpointPath,
      stopping: { patience: 1, minSteps: 0 },
    });
    // The start check runs the same seeded dropout pass over the same validation set as the original's best check.
    expect(tuned.metrics.startValMse).toBe(trained.metrics.bestValMse);
    expect(trained.metrics.startValMse).toBeNull();
    expect(tuned.metrics.bestValMse).toBeLessThanOrEqual(trained.metrics.bestValMse!);
    expect(tuned.metrics.epochsRun).toBe(1);
    expect((await loadCheckpoint(tuned.checkpointPath)).meta.initialCheckpoint).toBe(trained.checkpointPath);
  });

  it('refuses a starting checkpoint of another architecture, naming it and the field', async () => {
    await expect(
      deepprior.train({
        config: { ...TINY, inputSize: 32, epochs: 1 },
        train,
        seed: 4,
        backend,
        checkpointDir: dir,
        initialCheckpoint: trained.checkpointPath,
      }),
    ).rejects.toThrow(/cannot fine-tune from .*blob: its inputSize is 24, this training's is 32/);
  });
});
