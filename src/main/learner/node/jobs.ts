import * as tf from '@tensorflow/tfjs';
import { createRng } from '@shared/random';
import { selectBackend } from '../backend';
import { runMcInference } from '../inference';
import { checkCrops, cropsAtInputSize } from '../inputs';
import { DeepPriorModel } from '../models/deepprior/model';
import { validateModelConfig } from '../models/deepprior/validate';
import { Vl4PoseAuxHead } from '../models/vl4pose-aux/model';
import type { BenchJob, BenchResult, PredictJob, PredictProgress, PredictResult } from '../protocol';
import { trainStep } from '../training';
import { readCheckpoint } from './checkpoint';

/** Loads the checkpoint in this thread and runs MC-dropout inference on the job's images. */
export async function runPredictJob(
  job: PredictJob,
  onProgress: (progress: PredictProgress) => void,
): Promise<PredictResult> {
  const backend = await selectBackend(job.backend);
  const checkpoint = await readCheckpoint(job.checkpointPath);
  const { config, aux: auxConfig, seed } = checkpoint.meta;
  checkCrops('images', job.images);
  const model = new DeepPriorModel(config, seed);
  const aux = auxConfig === null ? null : new Vl4PoseAuxHead(auxConfig, config.denseUnits[1], seed);
  try {
    model.loadWeights(checkpoint.weights);
    aux?.loadWeights(checkpoint.weights);
    const x = cropsAtInputSize(job.images, config.inputSize);
    const result = runMcInference(model, aux, x, job.images.count, job, (samplePassesDone) =>
      onProgress({ phase: 'predict', samplePassesDone }),
    );
    return { ...result, backend };
  } finally {
    model.dispose();
    aux?.dispose();
  }
}

/** Times training steps and MC passes of a freshly initialised model on random crops (no files touched). */
export async function runBenchJob(job: BenchJob): Promise<BenchResult> {
  const backend = await selectBackend(job.backend);
  const config = validateModelConfig(job.config, backend.name);
  const side = config.inputSize;
  const rng = createRng(job.seed);
  const randomArray = (size: number, scale: number): Float32Array =>
    Float32Array.from({ length: size }, () => rng.uniform(-scale, scale));
  const model = new DeepPriorModel(config, job.seed);
  const optimizer = tf.train.adam(config.learningRate, 0.9, 0.999, config.adamEpsilon);
  try {
    const xBatch = randomArray(config.batchSize * side * side, 0.5);
    const yBatch = randomArray(config.batchSize * config.outputs, 0.3);
    // The first step compiles kernels and allocates: keep it out of the timing.
    trainStep(model, null, optimizer, null, xBatch, yBatch, config.batchSize, config, job.seed, 0);
    const trainStart = performance.now();
    for (let step = 1; step <= job.trainBatches; step++) {
      trainStep(model, null, optimizer, null, xBatch, yBatch, config.batchSize, config, job.seed, step);
    }
    const trainSamplesPerSecond =
      (job.trainBatches * config.batchSize * 1000) / (performance.now() - trainStart);
    const images = randomArray(job.mcSamples * side * side, 0.5);
    const mcOptions = {
      firstIndex: 0,
      passes: job.mcPasses,
      seed: job.seed,
      batchSize: Math.min(64, job.mcSamples),
    };
    runMcInference(
      model,
      null,
      images.subarray(0, side * side),
      1,
      { ...mcOptions, passes: 1 },
      () => undefined,
    );
    const mcStart = performance.now();
    runMcInference(model, null, images, job.mcSamples, mcOptions, () => undefined);
    const passes = model.bayesian ? job.mcPasses : 1;
    const mcSamplePassesPerSecond = (job.mcSamples * passes * 1000) / (performance.now() - mcStart);
    return { backend, config, trainSamplesPerSecond, mcSamplePassesPerSecond };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
