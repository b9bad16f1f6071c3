import { createRng, type Rng } from '@shared/random';
import { selectBackend, type BackendName } from '../backend';
import {
  createOnnxMcNet,
  runOnnxMcInference,
  selectMcEngine,
  type McEngine,
  type OnnxMcOptions,
} from '../engines';
import { runMcInference } from '../models/deepprior/inference';
import { DeepPriorReplica } from '../models/deepprior/replica';
import type { DeepPriorConfig } from '../models/deepprior/types';
import { validateModelConfig } from '../models/deepprior/validate';
import { defaultPeakMinDistance, runHeatmapInference } from '../models/hourglass/inference';
import { HeatmapReplica } from '../models/hourglass/replica';
import { validateHourglassConfig } from '../models/hourglass/validate';
import type { NamedWeights } from '../models/named-weights';
import type { BenchJob, BenchResult, HeatmapBenchJob, HeatmapBenchResult, ReplicaModel } from '../protocol';
import { localStepper, type GradientStepper, type LossValues, type Replica } from '../replica';
import { toWeightTable } from '../training-loop';
import { dataParallelWorkers, startDataParallel } from './data-parallel';
import type { Cooperation } from './jobs';
import { sharedCopy } from './shared-gradients';

/** Training throughput: the same replica's steps on this thread alone, then data-parallel over the job's workers. */
interface TrainingRates {
  oneWorkerTrainSamplesPerSecond: number;
  trainSamplesPerSecond: number;
  workers: number;
}

/**
 * Times `trainBatches` steps on batch rows 0 … batch − 1, first on this thread, then data-parallel (default one
 * worker per core). The first step of each is a warm-up (kernels compile, helpers allocate), not timed.
 */
async function timeTraining<L extends LossValues>(
  replica: Replica<L>,
  model: ReplicaModel,
  run: { batch: number; trainBatches: number; backend: BackendName; workers: number | undefined },
): Promise<TrainingRates> {
  const { batch, trainBatches } = run;
  const rows = Int32Array.from({ length: batch }, (_, row) => row);
  const rate = (stepper: GradientStepper<L>): number => {
    stepper.step(rows, 0);
    const start = performance.now();
    for (let step = 1; step <= trainBatches; step++) stepper.step(rows, step);
    return (trainBatches * batch * 1000) / (performance.now() - start);
  };
  const oneWorkerTrainSamplesPerSecond = rate(localStepper(replica));
  const workers = dataParallelWorkers(run.workers, batch);
  const stepper = await startDataParallel(replica, { workers, batch, backend: run.backend, model });
  try {
    return { oneWorkerTrainSamplesPerSecond, trainSamplesPerSecond: rate(stepper), workers: stepper.workers };
  } finally {
    await stepper.close();
  }
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
  try {
    const training = await timeTraining(
      replica,
      { kind: 'deepprior', spec: replica.spec },
      { batch, trainBatches: job.trainBatches, backend: backend.name, workers: job.workers },
    );
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
      ...training,
      mcSamplePassesPerSecond,
      engineMc,
      weights: toWeightTable(weights),
    };
  } finally {
    replica.dispose();
  }
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
    x: sharedCopy(uniformArray(rng, batchSize * s * s * 3, 0, 1)),
    count: batchSize,
    size: s,
    joints: sharedCopy(uniformArray(rng, batchSize * j * 2, 0, s - 1)),
    visibility: sharedCopy(new Int8Array(batchSize * j).fill(1)),
  };
  const replica = new HeatmapReplica({ config, seed: job.seed, train: crops, batch: batchSize });
  try {
    const training = await timeTraining(
      replica,
      { kind: 'hourglass', spec: replica.spec },
      { batch: batchSize, trainBatches: job.trainBatches, backend: backend.name, workers: job.workers },
    );
    const images = uniformArray(rng, job.mcSamples * s * s * 3, 0, 1);
    const options = {
      firstIndex: 0,
      passes: job.mcPasses,
      seed: job.seed,
      batchSize: Math.min(batchSize, job.mcSamples),
      peaks: { minDistance: defaultPeakMinDistance(config.gridSize), maxPeaks: 5 },
      // The passes the PyTorch peer times: one crop each (flip averaging would double them).
      flip: false,
    };
    const { model, aux } = replica.networks;
    runHeatmapInference(model, aux, images.subarray(0, s * s * 3), 1, options, () => undefined);
    const mcStart = performance.now();
    runHeatmapInference(model, aux, images, job.mcSamples, options, () => undefined);
    const mcSamplePassesPerSecond = (job.mcSamples * job.mcPasses * 1000) / (performance.now() - mcStart);
    return { backend, config, ...training, mcSamplePassesPerSecond };
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
