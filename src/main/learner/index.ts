/**
 * The learner layer's public face: backend choice, training in a worker thread, atomic checkpoints, MC-dropout
 * inference split across worker threads, the VL4Pose auxiliary head, and benchmarks, for the DeepPrior hand
 * regressor and the 2-D human heatmap (stacked hourglass) model. Works on typed arrays only.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { BackendChoice, BackendName } from './backend';
import { defaultPeakMinDistance } from './heatmap-inference';
import type { DeepPriorConfigInput } from './models/deepprior/types';
import type { HourglassConfigInput, HourglassPreset } from './models/hourglass/types';
import type { Vl4PoseAuxConfigInput } from './models/vl4pose-aux/types';
import {
  readCheckpoint,
  readCheckpointMeta,
  requireModel,
  writeCheckpoint,
  type Checkpoint,
  type HourglassCheckpoint,
  type LearnerCheckpointMeta,
} from './node/checkpoint';
import { runInWorker, type WorkerRunOptions } from './node/pool';
import { runTorchReference, type TorchReference } from './bench/torch';
import type {
  BenchResult,
  CropImages,
  HeatmapBenchResult,
  HeatmapLabelledCrops,
  HeatmapPrediction,
  HeatmapPredictResult,
  HeatmapTrainMetrics,
  HeatmapTrainProgress,
  HeatmapTrainResult,
  LabelledCrops,
  PredictProgress,
  PredictResult,
  RgbCrops,
  TrainMetrics,
  TrainProgress,
  TrainResult,
  ValidationSet,
} from './protocol';

export { selectBackend, currentBackend, BACKEND_NAMES, BACKEND_ENV } from './backend';
export type { BackendChoice, BackendName } from './backend';
export { PAPER_CONFIG, FAST_CONFIG, PAPER_PARAM_COUNTS } from './models/deepprior/constants';
export { validateModelConfig, layerShapes } from './models/deepprior/validate';
export { linksOf } from './models/vl4pose-aux/validate';
export { HOURGLASS_PRESETS, HOURGLASS_PAPER_PARAM_COUNTS } from './models/hourglass/constants';
export { validateHourglassConfig } from './models/hourglass/validate';
export { defaultPeakMinDistance } from './heatmap-inference';
export { meanJointErrorMm, toXyz } from './metrics';
export type {
  DeepPriorConfig,
  DeepPriorConfigInput,
  DeepPriorVariant,
  DeepPriorLoss,
} from './models/deepprior/types';
export type { Vl4PoseAuxConfig, Vl4PoseAuxConfigInput, SkeletonLink } from './models/vl4pose-aux/types';
export type {
  HourglassConfig,
  HourglassConfigInput,
  HourglassPreset,
  HourglassPresetChoice,
  HourglassAugmentation,
  AuxHeads,
  JointLink,
} from './models/hourglass/types';
export type {
  Checkpoint,
  CheckpointMeta,
  CheckpointModel,
  HourglassCheckpoint,
  HourglassCheckpointMeta,
  LearnerCheckpointMeta,
} from './node/checkpoint';
export type {
  CropImages,
  CropGeometry,
  LabelledCrops,
  ValidationSet,
  TrainProgress,
  TrainMetrics,
  McResult,
  PredictResult,
  RgbCrops,
  HeatmapLabelledCrops,
  HeatmapAuxLosses,
  HeatmapTrainProgress,
  HeatmapTrainMetrics,
  HeatmapPrediction,
  HeatmapPeakOptions,
} from './protocol';

export interface TrainOptions {
  /** Preset ('paper' | 'fast' | 'auto', default auto) plus overrides. */
  config?: DeepPriorConfigInput;
  /** Train the VL4Pose head alongside (give the skeleton's parents). */
  aux?: Vl4PoseAuxConfigInput;
  train: LabelledCrops;
  /** Held-out part of the labelled set: model selection by its MSE (spec §3.3, clean variant of G3). */
  val?: ValidationSet;
  seed: number;
  /** Folder that receives the new checkpoint folder (created if needed). */
  checkpointDir: string;
  /** Name of the checkpoint folder; default `deepprior-<variant>-<seed>-<time>`. Must not exist. */
  checkpointName?: string;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
}

export interface TrainOutcome {
  checkpointPath: string;
  metrics: TrainMetrics;
  samplesPerSecond: number;
  backend: TrainResult['backend'];
  config: TrainResult['config'];
}

/**
 * Trains a fresh model in a worker thread and writes the best checkpoint atomically. Cancelling (signal) terminates
 * the worker and writes nothing; a diverging run (NaN/Inf loss) rejects and writes nothing.
 */
export async function trainModel(options: TrainOptions): Promise<TrainOutcome> {
  const result = await runInWorker<TrainResult, TrainProgress>(
    {
      kind: 'train',
      config: options.config ?? {},
      train: options.train,
      seed: options.seed,
      ...(options.val === undefined ? {} : { val: options.val }),
      ...(options.aux === undefined ? {} : { aux: options.aux }),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    },
    {
      ...optionalSignal(options.signal),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  if (options.signal?.aborted) throw new AppError('cancelled', 'cancelled');
  const name = options.checkpointName ?? `deepprior-${result.config.variant}-${options.seed}-${Date.now()}`;
  const checkpointPath = join(options.checkpointDir, name);
  await writeCheckpoint(
    checkpointPath,
    {
      seed: options.seed,
      config: result.config,
      aux: result.aux,
      backend: { name: result.backend.name, reason: result.backend.reason },
      metrics: result.metrics,
    },
    result.weights,
  );
  return {
    checkpointPath,
    metrics: result.metrics,
    samplesPerSecond: result.metrics.samplesPerSecond,
    backend: result.backend,
    config: result.config,
  };
}

/**
 * Reads a checkpoint (metadata and weights) in this thread; no TensorFlow.js needed. Without `model` it must hold a
 * DeepPrior model (the original API); pass 'hourglass' for a heatmap checkpoint.
 */
export function loadCheckpoint(path: string): Promise<Checkpoint>;
export function loadCheckpoint(path: string, model: 'deepprior'): Promise<Checkpoint>;
export function loadCheckpoint(path: string, model: 'hourglass'): Promise<HourglassCheckpoint>;
export function loadCheckpoint(
  path: string,
  model: 'deepprior' | 'hourglass' = 'deepprior',
): Promise<Checkpoint | HourglassCheckpoint> {
  return model === 'hourglass' ? readCheckpoint(path, model) : readCheckpoint(path, model);
}

/** A checkpoint's metadata; `model` ('deepprior' | 'hourglass') tells the kinds apart (old checkpoints: deepprior). */
export function loadCheckpointMeta(path: string): Promise<LearnerCheckpointMeta> {
  return readCheckpointMeta(path);
}

export interface PredictOptions {
  checkpointPath: string;
  images: CropImages;
  /** MC passes M; default the checkpoint's config (40 paper, 20 fast). Ignored (1) for the plain model. */
  passes?: number;
  seed?: number;
  /** Worker threads; default one per core. Results do not depend on it. */
  workers?: number;
  batchSize?: number;
  backend?: BackendName;
  signal?: AbortSignal;
  /** Fraction in [0, 1] and ETA over all workers. */
  onProgress?: (progress: { fraction: number; etaSeconds: number; samplePassesDone: number }) => void;
}

/**
 * MC-dropout inference split over worker threads. Work is split in whole batches and masks are keyed by (seed,
 * sample index, pass), so any number of workers gives bit-identical results to a single one for the same seed.
 */
export async function predictMc(options: PredictOptions): Promise<PredictResult> {
  const meta = requireModel(
    await readCheckpointMeta(options.checkpointPath),
    'deepprior',
    options.checkpointPath,
  );
  const { images } = options;
  const passes = meta.config.variant === 'plain' ? 1 : (options.passes ?? meta.config.mcPasses);
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  const pixels = images.height * images.width;
  if (images.x.length !== images.count * pixels)
    throw new AppError('invalid_input', 'images.x length ≠ count·height·width', 'images');
  const parts = await splitOverWorkers<PredictResult>(
    { ...workerSplit(options), count: images.count, batchSize, passes },
    (from, to, workerOptions) => {
      const x = images.x.slice(from * pixels, to * pixels);
      return runInWorker(
        {
          kind: 'predict',
          checkpointPath: options.checkpointPath,
          images: { x, count: to - from, height: images.height, width: images.width },
          firstIndex: from,
          passes,
          seed,
          batchSize,
          ...(options.backend === undefined ? {} : { backend: options.backend }),
        },
        { ...workerOptions, transfer: [x.buffer] },
      );
    },
  );
  return concatenate(parts);
}

/** Progress of inference split over workers: fraction in [0, 1], ETA in seconds, sample·passes done so far. */
export interface SplitProgress {
  fraction: number;
  etaSeconds: number;
  samplePassesDone: number;
}

/**
 * Runs one inference job per worker thread, each over whole batches of the `count` samples (so every sample sees the
 * same batch composition as in a single-worker run), and returns the parts in sample order. Progress is summed over
 * the workers; the first failure or the caller's signal cancels every worker.
 */
async function splitOverWorkers<R extends { backend: BackendChoice }>(
  split: {
    count: number;
    batchSize: number;
    passes: number;
    workers?: number;
    signal?: AbortSignal;
    onProgress?: (progress: SplitProgress) => void;
  },
  start: (from: number, to: number, options: WorkerRunOptions<PredictProgress>) => Promise<R>,
): Promise<R[]> {
  const batches = Math.ceil(split.count / split.batchSize);
  const workerCount = Math.max(1, Math.min(split.workers ?? availableParallelism(), batches));
  const total = split.count * split.passes;
  let done = 0;
  const started = performance.now();
  const onWorkerProgress = (progress: PredictProgress): void => {
    done += progress.samplePassesDone;
    const fraction = total === 0 ? 1 : done / total;
    const seconds = (performance.now() - started) / 1000;
    split.onProgress?.({
      fraction,
      etaSeconds: fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.NaN,
      samplePassesDone: done,
    });
  };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  split.signal?.addEventListener('abort', abort, { once: true });
  try {
    const parts = await Promise.all(
      Array.from({ length: workerCount }, (_, w) => {
        const from = Math.floor((w * batches) / workerCount) * split.batchSize;
        const to = Math.min(split.count, Math.floor(((w + 1) * batches) / workerCount) * split.batchSize);
        return start(from, to, { signal: controller.signal, onProgress: onWorkerProgress }).catch(
          (error: unknown) => {
            controller.abort();
            throw error;
          },
        );
      }),
    );
    if (new Set(parts.map((part) => part.backend.name)).size > 1) {
      throw new AppError(
        'internal',
        'MC workers started different backends; results would not be comparable',
      );
    }
    return parts;
  } finally {
    split.signal?.removeEventListener('abort', abort);
  }
}

function join32(arrays: Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function concatenate(parts: PredictResult[]): PredictResult {
  const first = parts[0]!;
  const nullable = (pick: (part: PredictResult) => Float32Array | null): Float32Array | null =>
    pick(first) === null ? null : join32(parts.map((part) => pick(part)!));
  return {
    backend: first.backend,
    mean: join32(parts.map((p) => p.mean)),
    std: join32(parts.map((p) => p.std)),
    aleatoric: nullable((p) => p.aleatoric),
    meanLogVar: nullable((p) => p.meanLogVar),
    embedding: join32(parts.map((p) => p.embedding)),
    embeddingSize: first.embeddingSize,
    aux:
      first.aux === null
        ? null
        : {
            links: first.aux.links,
            dims: first.aux.dims,
            offsetMean: join32(parts.map((p) => p.aux!.offsetMean)),
            offsetLogVar: join32(parts.map((p) => p.aux!.offsetLogVar)),
          },
  };
}

/** Per-coordinate mean of the training targets: the "predict the mean pose" baseline every learner must beat. */
export function meanPoseBaseline(y: Float32Array, count: number): Float32Array {
  const outputs = y.length / count;
  const mean = new Float64Array(outputs);
  for (let i = 0; i < count; i++) for (let c = 0; c < outputs; c++) mean[c] = mean[c]! + y[i * outputs + c]!;
  return Float32Array.from(mean, (sum) => sum / count);
}

export interface BenchOptions {
  preset: 'paper' | 'fast';
  backend?: BackendName;
  /** Timed training steps (after one warm-up step). Default 5. */
  trainBatches?: number;
  /** MC inference: samples × passes, timed in one worker. Defaults 32 × 10. */
  mcSamples?: number;
  mcPasses?: number;
  /** Also time the PyTorch reference when python3 + torch exist. Default true. */
  torch?: boolean;
  signal?: AbortSignal;
}

export interface BenchOutcome {
  preset: 'paper' | 'fast';
  backend: BenchResult['backend'];
  trainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
  /** Peak resident set of this process (workers included) so far, MB. */
  peakRssMb: number;
  /** PyTorch CPU on the same net, or why it was not run; ratios = TF.js / PyTorch. */
  torch: TorchReference;
}

/** For `poseloop bench`: training and MC-inference throughput of one preset on this machine, single worker. */
export async function bench(options: BenchOptions): Promise<BenchOutcome> {
  const mcSamples = options.mcSamples ?? 32;
  const mcPasses = options.mcPasses ?? 10;
  const trainBatches = options.trainBatches ?? 5;
  const result = await runInWorker<BenchResult, never>(
    {
      kind: 'bench',
      config: { preset: options.preset },
      trainBatches,
      mcSamples,
      mcPasses,
      seed: 1,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    },
    optionalSignal(options.signal),
  );
  const torch =
    options.torch === false
      ? { available: false as const, reason: 'not requested' }
      : await runTorchReference(result.config, { trainBatches, mcSamples, mcPasses }, result);
  return {
    preset: options.preset,
    backend: result.backend,
    trainSamplesPerSecond: result.trainSamplesPerSecond,
    mcSamplePassesPerSecond: result.mcSamplePassesPerSecond,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    torch,
  };
}

export interface HeatmapTrainOptions {
  /** Preset ('fast' default, or 'paper') plus overrides; the skeleton (joints, links, mirror pairs) included. */
  config?: HourglassConfigInput;
  /** Crops must be config.inputSize pixels square. */
  train: HeatmapLabelledCrops;
  /** Model selection by its pose loss; also reports the grid-px error of the kept weights. */
  val?: HeatmapLabelledCrops;
  seed: number;
  /** Folder that receives the new checkpoint folder (created if needed). */
  checkpointDir: string;
  /** Name of the checkpoint folder; default `hourglass-<preset>-<seed>-<time>`. Must not exist. */
  checkpointName?: string;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (progress: HeatmapTrainProgress) => void;
}

export interface HeatmapTrainOutcome {
  checkpointPath: string;
  metrics: HeatmapTrainMetrics;
  config: HeatmapTrainResult['config'];
  backend: BackendChoice;
  /** Training throughput over the whole run, samples per second. */
  samplesPerSecond: number;
}

/**
 * Trains a fresh stacked hourglass with its auxiliary heads in a worker thread and writes the checkpoint atomically
 * (model 'hourglass'). Cancelling terminates the worker and writes nothing; a NaN/Inf loss rejects and writes nothing.
 */
export async function trainHeatmapModel(options: HeatmapTrainOptions): Promise<HeatmapTrainOutcome> {
  const result = await runInWorker<HeatmapTrainResult, HeatmapTrainProgress>(
    {
      kind: 'train-heatmap',
      config: options.config ?? {},
      train: options.train,
      seed: options.seed,
      ...(options.val === undefined ? {} : { val: options.val }),
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    },
    {
      ...optionalSignal(options.signal),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  if (options.signal?.aborted) throw new AppError('cancelled', 'cancelled');
  const name = options.checkpointName ?? `hourglass-${result.config.preset}-${options.seed}-${Date.now()}`;
  const checkpointPath = join(options.checkpointDir, name);
  await writeCheckpoint(
    checkpointPath,
    {
      model: 'hourglass',
      seed: options.seed,
      config: result.config,
      backend: { name: result.backend.name, reason: result.backend.reason },
      metrics: result.metrics,
    },
    result.weights,
  );
  return {
    checkpointPath,
    metrics: result.metrics,
    config: result.config,
    backend: result.backend,
    samplesPerSecond: result.metrics.samplesPerSecond,
  };
}

export interface HeatmapPredictOptions {
  checkpointPath: string;
  /** Crops of the checkpoint's inputSize. */
  images: RgbCrops;
  /** MC passes M; default the checkpoint's config.mcPasses. 1 = dropout off (deterministic, locationStd 0). */
  passes?: number;
  seed?: number;
  /** Worker threads; default one per core. Results do not depend on it. */
  workers?: number;
  /** Default the checkpoint's training batch size. */
  batchSize?: number;
  /** Local maxima of the mean heatmaps: md (grid px; default `defaultPeakMinDistance(G)`) and K (default 5). */
  peaks?: { minDistance?: number; maxPeaks?: number };
  backend?: BackendName;
  signal?: AbortSignal;
  /** Fraction in [0, 1] and ETA over all workers. */
  onProgress?: (progress: SplitProgress) => void;
}

/**
 * MC-dropout inference of a heatmap checkpoint, split over worker threads in whole batches with masks keyed by
 * (seed, sample index, pass): bit-identical results for any worker count. Returns per-sample summaries.
 */
export async function predictHeatmaps(
  options: HeatmapPredictOptions,
): Promise<HeatmapPrediction & { backend: BackendChoice }> {
  const { config } = requireModel(
    await readCheckpointMeta(options.checkpointPath),
    'hourglass',
    options.checkpointPath,
  );
  const { images } = options;
  const passes = options.passes ?? config.mcPasses;
  if (!Number.isInteger(passes) || passes < 1)
    throw new AppError('invalid_input', 'passes must be ≥ 1', 'passes');
  const batchSize = options.batchSize ?? config.batchSize;
  const seed = options.seed ?? 0;
  const peaks = {
    minDistance: options.peaks?.minDistance ?? defaultPeakMinDistance(config.gridSize),
    maxPeaks: options.peaks?.maxPeaks ?? 5,
  };
  const pixels = images.size * images.size * 3;
  if (images.size !== config.inputSize || images.x.length !== images.count * pixels) {
    throw new AppError(
      'invalid_input',
      `images must be count·${config.inputSize}·${config.inputSize}·3 RGB values`,
      'images',
    );
  }
  const parts = await splitOverWorkers<HeatmapPredictResult>(
    { ...workerSplit(options), count: images.count, batchSize, passes },
    (from, to, workerOptions) => {
      const x = images.x.slice(from * pixels, to * pixels);
      return runInWorker(
        {
          kind: 'predict-heatmap',
          checkpointPath: options.checkpointPath,
          images: { x, count: to - from, size: images.size },
          firstIndex: from,
          passes,
          seed,
          batchSize,
          peaks,
          ...(options.backend === undefined ? {} : { backend: options.backend }),
        },
        { ...workerOptions, transfer: [x.buffer] },
      );
    },
  );
  const first = parts[0]!;
  const joined = (pick: (part: HeatmapPredictResult) => Float32Array): Float32Array =>
    join32(parts.map(pick));
  const nullable = (pick: (part: HeatmapPredictResult) => Float32Array | null): Float32Array | null =>
    pick(first) === null ? null : joined((part) => pick(part)!);
  return {
    ...first,
    count: images.count,
    location: joined((p) => p.location),
    locationStd: joined((p) => p.locationStd),
    peakValue: joined((p) => p.peakValue),
    peaks: joined((p) => p.peaks),
    linkParams: nullable((p) => p.linkParams),
    aleatoricLogVar: nullable((p) => p.aleatoricLogVar),
    predictedLoss: nullable((p) => p.predictedLoss),
    embedding: joined((p) => p.embedding),
  };
}

export interface HeatmapBenchOptions {
  preset: HourglassPreset;
  backend?: BackendName;
  /** Timed training steps of the preset's batch size (after one warm-up step). Default 5. */
  trainBatches?: number;
  /** MC inference: samples × passes, timed in one worker. Defaults 32 × 10. */
  mcSamples?: number;
  mcPasses?: number;
  signal?: AbortSignal;
}

export interface HeatmapBenchOutcome {
  preset: HourglassPreset;
  backend: BackendChoice;
  trainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
  /** Peak resident set of this process (workers included) so far, MB. */
  peakRssMb: number;
}

/** Training and MC-inference throughput of one heatmap preset on this machine, single worker, random data. */
export async function benchHeatmap(options: HeatmapBenchOptions): Promise<HeatmapBenchOutcome> {
  const result = await runInWorker<HeatmapBenchResult, never>(
    {
      kind: 'bench-heatmap',
      config: { preset: options.preset },
      trainBatches: options.trainBatches ?? 5,
      mcSamples: options.mcSamples ?? 32,
      mcPasses: options.mcPasses ?? 10,
      seed: 1,
      ...(options.backend === undefined ? {} : { backend: options.backend }),
    },
    optionalSignal(options.signal),
  );
  return {
    preset: options.preset,
    backend: result.backend,
    trainSamplesPerSecond: result.trainSamplesPerSecond,
    mcSamplePassesPerSecond: result.mcSamplePassesPerSecond,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The worker-split settings a prediction call passes through. */
function workerSplit(options: {
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SplitProgress) => void;
}): { workers?: number; signal?: AbortSignal; onProgress?: (progress: SplitProgress) => void } {
  return { workers: options.workers, signal: options.signal, onProgress: options.onProgress };
}

function optionalSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
