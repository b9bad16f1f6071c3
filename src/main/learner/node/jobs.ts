import { createRng, type Rng } from '@shared/random';
import { selectBackend } from '../backend';
import {
  createOnnxMcNet,
  runOnnxMcInference,
  selectMcEngine,
  type McEngine,
  type OnnxMcOptions,
} from '../engines';
import { defaultPeakMinDistance, runHeatmapInference } from '../models/hourglass/inference';
import { checkRgbCrops } from '../models/hourglass/inputs';
import { HeatmapReplica } from '../models/hourglass/replica';
import { runMcInference } from '../models/deepprior/inference';
import { checkCrops, cropsAtInputSize } from '../inputs';
import { DeepPriorModel } from '../models/deepprior/model';
import type { DeepPriorConfig } from '../models/deepprior/types';
import { validateModelConfig } from '../models/deepprior/validate';
import { HeatmapAuxNet } from '../models/hourglass/aux';
import { HourglassModel } from '../models/hourglass/model';
import { hasAuxHeads, validateHourglassConfig } from '../models/hourglass/validate';
import type { NamedWeights } from '../models/named-weights';
import { Vl4PoseAuxHead } from '../models/vl4pose-aux/model';
import type {
  BenchJob,
  BenchResult,
  HeatmapBenchJob,
  HeatmapBenchResult,
  HeatmapPredictJob,
  HeatmapPredictResult,
  PredictJob,
  PredictProgress,
  PredictResult,
} from '../protocol';
import { DeepPriorReplica, type DepthLosses } from '../models/deepprior/replica';
import { toWeightTable } from '../training-loop';
import { readCheckpoint } from './checkpoint';
import { dataParallelWorkers, startDataParallel } from './data-parallel';
import { localStepper, type GradientStepper } from '../replica';
import { sharedCopy } from './shared-gradients';

/**
 * How a job that runs native ONNX Runtime code is stopped: it declares itself (the parent then sends `cancel` rather
 * than terminate the thread mid-run) and checks for the request between runs.
 */
export interface Cooperation {
  declare(): void;
  stopRequested(): boolean;
}

/**
 * Loads the checkpoint in this thread and runs MC-dropout inference on the job's images, on ONNX Runtime where it
 * loads (or as the job says), else on TF.js.
 */
export async function runPredictJob(
  job: PredictJob,
  onProgress: (progress: PredictProgress) => void,
  cooperation: Cooperation,
): Promise<PredictResult> {
  const backend = await selectBackend(job.backend);
  const engine = await selectMcEngine(job.engine);
  const checkpoint = await readCheckpoint(job.checkpointPath);
  const { config, aux: auxConfig, seed } = checkpoint.meta;
  checkCrops('images', job.images);
  const x = cropsAtInputSize(job.images, config.inputSize);
  if (engine.runtime !== null) {
    cooperation.declare();
    const net = await createOnnxMcNet(engine.runtime, config, auxConfig, checkpoint.weights);
    try {
      const options = { ...job, stopRequested: cooperation.stopRequested };
      const result = await runOnnxMcInference(net, x, job.images.count, options, reportPasses(onProgress));
      return { ...result, backend, engine: engine.choice };
    } finally {
      await net.dispose();
    }
  }
  const model = new DeepPriorModel(config, seed);
  const aux = auxConfig === null ? null : new Vl4PoseAuxHead(auxConfig, config.denseUnits[1], seed);
  const result = inferWithWeights(model, aux, checkpoint.weights, () =>
    runMcInference(model, aux, x, job.images.count, job, reportPasses(onProgress)),
  );
  return { ...result, backend, engine: engine.choice };
}

/** Times training steps and MC passes of a freshly initialised model on random crops (no files touched). */
export async function runBenchJob(job: BenchJob, cooperation: Cooperation): Promise<BenchResult> {
  const backend = await selectBackend(job.backend);
  const config = validateModelConfig(job.config, backend.name);
  const side = config.inputSize;
  const rng = createRng(job.seed);
  const randomArray = (size: number, scale: number): Float32Array => uniformArray(rng, size, -scale, scale);
  const batch = config.batchSize;
  const replica = new DeepPriorReplica({
    config,
    aux: null,
    seed: job.seed,
    x: sharedCopy(randomArray(batch * side * side, 0.5)),
    y: sharedCopy(randomArray(batch * config.outputs, 0.3)),
    augmentation: null,
  });
  const model = replica.model;
  const rows = Int32Array.from({ length: batch }, (_, row) => row);
  /** Samples per second over the timed steps; the first step compiles kernels and allocates, so it is not timed. */
  const timeSteps = (stepper: GradientStepper<DepthLosses>): number => {
    stepper.step(rows, 0);
    const start = performance.now();
    for (let step = 1; step <= job.trainBatches; step++) stepper.step(rows, step);
    return (job.trainBatches * batch * 1000) / (performance.now() - start);
  };
  let stepper: GradientStepper<DepthLosses> | null = null;
  try {
    const oneWorkerTrainSamplesPerSecond = timeSteps(localStepper(replica));
    stepper = await startDataParallel(replica, {
      workers: dataParallelWorkers(job.workers, batch),
      batch,
      backend: backend.name,
      model: { kind: 'deepprior', spec: replica.spec },
    });
    const trainSamplesPerSecond = timeSteps(stepper);
    await stepper.close();
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
    const weights = model.readWeights();
    cooperation.declare();
    const engineMc = await benchOnnxMc(
      await selectMcEngine('onnx').catch(unavailable),
      config,
      weights,
      images,
      {
        ...mcOptions,
        samples: job.mcSamples,
        stopRequested: cooperation.stopRequested,
      },
    );
    return {
      backend,
      config,
      trainSamplesPerSecond,
      workers: stepper.workers,
      oneWorkerTrainSamplesPerSecond,
      mcSamplePassesPerSecond,
      engineMc,
      weights: toWeightTable(weights),
    };
  } finally {
    await stepper?.close();
    replica.dispose();
  }
}

/** Loads a heatmap checkpoint in this thread and runs MC-dropout inference on the job's images. */
export async function runHeatmapPredictJob(
  job: HeatmapPredictJob,
  onProgress: (progress: PredictProgress) => void,
): Promise<HeatmapPredictResult> {
  const backend = await selectBackend(job.backend);
  const checkpoint = await readCheckpoint(job.checkpointPath, 'hourglass');
  const { config, seed } = checkpoint.meta;
  checkRgbCrops('images', job.images, config);
  const model = new HourglassModel(config, seed);
  const aux = hasAuxHeads(config) ? new HeatmapAuxNet(config, seed) : null;
  const result = inferWithWeights(model, aux, checkpoint.weights, () =>
    runHeatmapInference(model, aux, job.images.x, job.images.count, job, reportPasses(onProgress)),
  );
  return { ...result, backend };
}

/** A net that takes a checkpoint's weights and holds tensors until disposed. */
interface CheckpointNet {
  loadWeights(weights: NamedWeights): void;
  dispose(): void;
}

/** Loads the checkpoint's weights into a fresh model (and auxiliary net), runs `infer`, then frees both nets. */
function inferWithWeights<R>(
  model: CheckpointNet,
  aux: CheckpointNet | null,
  weights: NamedWeights,
  infer: () => R,
): R {
  try {
    model.loadWeights(weights);
    aux?.loadWeights(weights);
    return infer();
  } finally {
    model.dispose();
    aux?.dispose();
  }
}

/** Inference reports sample·passes done; the caller hears them as predict progress. */
function reportPasses(onProgress: (progress: PredictProgress) => void): (samplePassesDone: number) => void {
  return (samplePassesDone) => onProgress({ phase: 'predict', samplePassesDone });
}

/**
 * Times training steps (all enabled heads, augmentation included) and MC passes of a freshly initialised heatmap
 * model on random crops and joints (no files touched). The first step and pass are warm-ups, not timed.
 */
export async function runHeatmapBenchJob(job: HeatmapBenchJob): Promise<HeatmapBenchResult> {
  const backend = await selectBackend(job.backend);
  const config = validateHourglassConfig(job.config, backend.name);
  const { inputSize: s, joints: j, batchSize } = config;
  const rng = createRng(job.seed);
  const crops = {
    x: uniformArray(rng, batchSize * s * s * 3, 0, 1),
    count: batchSize,
    size: s,
    joints: uniformArray(rng, batchSize * j * 2, 0, s - 1),
    visibility: new Int8Array(batchSize * j).fill(1),
  };
  const replica = new HeatmapReplica({ config, seed: job.seed, train: crops, batch: batchSize });
  try {
    const stepper = localStepper(replica);
    const rows = Int32Array.from({ length: batchSize }, (_, row) => row);
    const step = (index: number): void => void stepper.step(rows, index);
    step(0);
    const trainStart = performance.now();
    for (let index = 1; index <= job.trainBatches; index++) step(index);
    const trainSamplesPerSecond = (job.trainBatches * batchSize * 1000) / (performance.now() - trainStart);
    const images = uniformArray(rng, job.mcSamples * s * s * 3, 0, 1);
    const options = {
      firstIndex: 0,
      passes: job.mcPasses,
      seed: job.seed,
      batchSize: Math.min(batchSize, job.mcSamples),
      peaks: { minDistance: defaultPeakMinDistance(config.gridSize), maxPeaks: 5 },
    };
    const learner = replica.networks;
    runHeatmapInference(
      learner.model,
      learner.aux,
      images.subarray(0, s * s * 3),
      1,
      options,
      () => undefined,
    );
    const mcStart = performance.now();
    runHeatmapInference(learner.model, learner.aux, images, job.mcSamples, options, () => undefined);
    const mcSamplePassesPerSecond = (job.mcSamples * job.mcPasses * 1000) / (performance.now() - mcStart);
    return { backend, config, trainSamplesPerSecond, mcSamplePassesPerSecond };
  } finally {
    replica.dispose();
  }
}

/** Times the bench's MC passes on ONNX Runtime (same model, images and masks), after one warm-up run. */
async function benchOnnxMc(
  engine: McEngine | { unavailable: string },
  config: DeepPriorConfig,
  weights: NamedWeights,
  images: Float32Array,
  options: OnnxMcOptions & { samples: number },
): Promise<BenchResult['engineMc']> {
  if ('unavailable' in engine) return engine;
  const net = await createOnnxMcNet(engine.runtime!, config, null, weights);
  try {
    const side = config.inputSize;
    await runOnnxMcInference(net, images.subarray(0, side * side), 1, options, () => undefined);
    const start = performance.now();
    await runOnnxMcInference(net, images, options.samples, options, () => undefined);
    const passes = config.variant === 'plain' ? 1 : options.passes;
    return {
      samplePassesPerSecond: (options.samples * passes * 1000) / (performance.now() - start),
      engine: engine.choice,
    };
  } finally {
    await net.dispose();
  }
}

function unavailable(error: unknown): { unavailable: string } {
  return { unavailable: error instanceof Error ? error.message : String(error) };
}

function uniformArray(rng: Rng, size: number, low: number, high: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.uniform(low, high));
}
