/**
 * The learner layer's public face: backend choice, training in a worker thread, atomic checkpoints, MC-dropout
 * inference split across worker threads, the VL4Pose auxiliary head, and benchmarks, for the DeepPrior hand
 * regressor and the 2-D human heatmap (stacked hourglass) model. Works on typed arrays only.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { BackendChoice, BackendName } from './backend';
import type { McEngineName } from './engines';
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
  type CheckpointContent,
  type HourglassCheckpoint,
  type HourglassCheckpointContent,
  type LearnerCheckpointMeta,
} from './node/checkpoint';
import { runInWorker } from './node/pool';
import { POOL_PASSES, timePoolScoring, type PoolRun } from './bench/pool';
import { runTorchReference, type TorchReference } from './bench/torch';
import type {
  BenchJob,
  BenchResult,
  CropImages,
  HeatmapBenchJob,
  HeatmapBenchResult,
  HeatmapLabelledCrops,
  HeatmapPredictJob,
  HeatmapPrediction,
  HeatmapPredictResult,
  HeatmapTrainJob,
  HeatmapTrainProgress,
  HeatmapTrainResult,
  LabelledCrops,
  PredictJob,
  PredictProgress,
  PredictResult,
  RgbCrops,
  TrainJob,
  TrainProgress,
  TrainResult,
  ValidationSet,
} from './protocol';

export { selectBackend, currentBackend, BACKEND_NAMES, BACKEND_ENV } from './backend';
export type { BackendChoice, BackendName } from './backend';
export { MC_ENGINE_ENV, MC_ENGINE_NAMES } from './engines';
export type { McEngineChoice, McEngineName } from './engines';
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

/** What every training call takes besides its data and model settings. */
export interface TrainRunOptions<P> {
  seed: number;
  /** Folder that receives the new checkpoint folder (created if needed). */
  checkpointDir: string;
  /**
   * Name of the checkpoint folder; default `deepprior-<variant>-<seed>-<time>` or `hourglass-<preset>-<seed>-<time>`.
   * Must not exist.
   */
  checkpointName?: string;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}

/** A finished training run: where its checkpoint was written and what the worker reported. */
export interface TrainedCheckpoint<R extends TrainResult | HeatmapTrainResult> {
  checkpointPath: string;
  metrics: R['metrics'];
  config: R['config'];
  backend: BackendChoice;
  /** Training throughput over the whole run, samples per second. */
  samplesPerSecond: number;
}

export interface TrainOptions extends TrainRunOptions<TrainProgress> {
  /** Preset ('paper' | 'fast' | 'auto', default auto) plus overrides. */
  config?: DeepPriorConfigInput;
  /** Train the VL4Pose head alongside (give the skeleton's parents). */
  aux?: Vl4PoseAuxConfigInput;
  train: LabelledCrops;
  /** Held-out part of the labelled set: model selection by its MSE (spec §3.3, clean variant of G3). */
  val?: ValidationSet;
}

export type TrainOutcome = TrainedCheckpoint<TrainResult>;

/**
 * Trains a fresh model in a worker thread and writes the best checkpoint atomically. Cancelling (signal) terminates
 * the worker and writes nothing; a diverging run (NaN/Inf loss) rejects and writes nothing.
 */
export function trainModel(options: TrainOptions): Promise<TrainOutcome> {
  return trainToCheckpoint<TrainResult, TrainProgress>(
    {
      kind: 'train',
      config: options.config ?? {},
      train: options.train,
      ...(options.val === undefined ? {} : { val: options.val }),
      ...(options.aux === undefined ? {} : { aux: options.aux }),
    },
    options,
    (result) => ({
      defaultName: `deepprior-${result.config.variant}`,
      content: {
        seed: options.seed,
        config: result.config,
        aux: result.aux,
        backend: savedBackend(result.backend),
        metrics: result.metrics,
      },
    }),
  );
}

/**
 * Runs a training job in a worker thread, then writes its weights as a new checkpoint folder. `checkpointOf` gives
 * the model's default folder name (seed and time are appended) and the metadata to store.
 */
async function trainToCheckpoint<R extends TrainResult | HeatmapTrainResult, P>(
  job: Omit<TrainJob, 'seed' | 'backend'> | Omit<HeatmapTrainJob, 'seed' | 'backend'>,
  options: TrainRunOptions<P>,
  checkpointOf: (result: R) => {
    defaultName: string;
    content: CheckpointContent | HourglassCheckpointContent;
  },
): Promise<TrainedCheckpoint<R>> {
  const result = await runInWorker<R, P>(
    { ...job, seed: options.seed, ...optionalBackend(options.backend) },
    {
      ...optionalSignal(options.signal),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  // The worker may have answered just before the caller cancelled: a cancelled run writes nothing.
  if (options.signal?.aborted) throw new AppError('cancelled', 'cancelled');
  const { defaultName, content } = checkpointOf(result);
  const name = options.checkpointName ?? `${defaultName}-${options.seed}-${Date.now()}`;
  const checkpointPath = join(options.checkpointDir, name);
  await writeCheckpoint(checkpointPath, content, result.weights);
  return {
    checkpointPath,
    metrics: result.metrics,
    config: result.config,
    backend: result.backend,
    samplesPerSecond: result.metrics.samplesPerSecond,
  };
}

/** The part of the backend choice a checkpoint records. */
function savedBackend(backend: BackendChoice): Pick<BackendChoice, 'name' | 'reason'> {
  return { name: backend.name, reason: backend.reason };
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
  /** MC engine; default $POSELOOP_MC_ENGINE, else ONNX Runtime where it loads, else TF.js. */
  engine?: McEngineName;
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
    { ...workerSplit(options), images, sampleSize: pixels, batchSize, passes },
    (x, firstIndex, count) => ({
      kind: 'predict',
      checkpointPath: options.checkpointPath,
      images: { x, count, height: images.height, width: images.width },
      firstIndex,
      passes,
      seed,
      batchSize,
      ...(options.engine === undefined ? {} : { engine: options.engine }),
    }),
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
 * Runs one inference job per worker thread, each over whole batches of the images (so every sample sees the same
 * batch composition as in a single-worker run), and returns the parts in sample order. Each worker gets a copy of
 * its rows (`sampleSize` values per sample), moved into the thread. Progress is summed over the workers; the first
 * failure or the caller's signal cancels every worker.
 */
async function splitOverWorkers<R extends { backend: BackendChoice; engine?: { name: string } }>(
  split: WorkerSplit & {
    images: { x: Float32Array; count: number };
    sampleSize: number;
    batchSize: number;
    passes: number;
  },
  jobFor: (
    x: Float32Array,
    firstIndex: number,
    count: number,
  ) => Omit<PredictJob, 'backend'> | Omit<HeatmapPredictJob, 'backend'>,
): Promise<R[]> {
  const { count } = split.images;
  const batches = Math.ceil(count / split.batchSize);
  const workerCount = Math.max(1, Math.min(split.workers ?? availableParallelism(), batches));
  const total = count * split.passes;
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
        const to = Math.min(count, Math.floor(((w + 1) * batches) / workerCount) * split.batchSize);
        const x = split.images.x.slice(from * split.sampleSize, to * split.sampleSize);
        return runInWorker<R, PredictProgress>(
          { ...jobFor(x, from, to - from), ...optionalBackend(split.backend) },
          { signal: controller.signal, onProgress: onWorkerProgress, transfer: [x.buffer] },
        ).catch((error: unknown) => {
          controller.abort();
          throw error;
        });
      }),
    );
    if (new Set(parts.map((part) => part.backend.name)).size > 1) {
      throw new AppError(
        'internal',
        'MC workers started different backends; results would not be comparable',
      );
    }
    if (new Set(parts.map((part) => part.engine?.name)).size > 1) {
      throw new AppError('internal', 'MC workers started different engines; results would not be comparable');
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
    engine: first.engine,
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

/** What both benchmarks take besides the preset. */
export interface BenchRunOptions {
  backend?: BackendName;
  /** Timed training steps of the preset's batch size (after one warm-up step). Default 5. */
  trainBatches?: number;
  /** MC inference: samples × passes, timed in one worker. Defaults 32 × 10 (DeepPrior: 32 × 40, the papers' M). */
  mcSamples?: number;
  mcPasses?: number;
  signal?: AbortSignal;
}

/** Throughput of one preset, as both benchmarks report it. */
export interface BenchThroughput<Preset> {
  preset: Preset;
  backend: BackendChoice;
  trainSamplesPerSecond: number;
  mcSamplePassesPerSecond: number;
  /** Peak resident set of this process (workers included) so far, MB. */
  peakRssMb: number;
}

export interface BenchOptions extends BenchRunOptions {
  preset: 'paper' | 'fast';
  /** Also time the PyTorch reference when python3 + torch exist. Default true. */
  torch?: boolean;
  /** Frames of the timed pool runs (M = 40, every worker) per engine; default 64 ONNX, 16 TF.js. */
  poolFrames?: Readonly<Record<McEngineName, number>>;
}

export interface BenchOutcome extends BenchThroughput<'paper' | 'fast'> {
  /** PyTorch CPU on the same net, or why it was not run; ratios = TF.js / PyTorch. */
  torch: TorchReference;
  /** The MC engines through the app's path (predictMc over a pool, every worker) and the ONNX engine's ratios. */
  engines: {
    /** ONNX Runtime in the bench's single worker, same samples and passes as TF.js there. */
    singleWorker: BenchResult['engineMc'];
    pool: Partial<Record<McEngineName, PoolRun>>;
    /** ONNX pool rate ÷ PyTorch's MC rate (every core each), and ÷ the TF.js pool rate; null where one is missing. */
    onnxVsTorch: number | null;
    onnxVsTfjs: number | null;
  };
}

/**
 * For `poseloop bench`: training and MC-inference throughput of one preset on this machine (single worker), PyTorch
 * on the same net, and the time to score a pool with each MC engine through predictMc (every worker).
 */
export async function bench(options: BenchOptions): Promise<BenchOutcome> {
  const sizes = benchSizes({ mcPasses: POOL_PASSES, ...options });
  const result = await runBenchJob<BenchResult>(
    { kind: 'bench', config: { preset: options.preset } },
    sizes,
    options,
  );
  const torch =
    options.torch === false
      ? { available: false as const, reason: 'not requested' }
      : await runTorchReference(result.config, sizes, result);
  const pool = await timePoolScoring(
    result,
    options.poolFrames ?? { onnx: 64, tfjs: 16 },
    predictMc,
    options.signal,
  );
  const onnxRate = pool.onnx?.samplePassesPerSecond;
  return {
    ...benchThroughput(options.preset, result),
    torch,
    engines: {
      singleWorker: result.engineMc,
      pool,
      onnxVsTorch:
        onnxRate === undefined || !torch.available ? null : onnxRate / torch.mcSamplePassesPerSecond,
      onnxVsTfjs:
        onnxRate === undefined || pool.tfjs === undefined ? null : onnxRate / pool.tfjs.samplePassesPerSecond,
    },
  };
}

export interface HeatmapTrainOptions extends TrainRunOptions<HeatmapTrainProgress> {
  /** Preset ('fast' default, or 'paper') plus overrides; the skeleton (joints, links, mirror pairs) included. */
  config?: HourglassConfigInput;
  /** Crops must be config.inputSize pixels square. */
  train: HeatmapLabelledCrops;
  /** Model selection by its pose loss; also reports the grid-px error of the kept weights. */
  val?: HeatmapLabelledCrops;
}

export type HeatmapTrainOutcome = TrainedCheckpoint<HeatmapTrainResult>;

/**
 * Trains a fresh stacked hourglass with its auxiliary heads in a worker thread and writes the checkpoint atomically
 * (model 'hourglass'). Cancelling terminates the worker and writes nothing; a NaN/Inf loss rejects and writes nothing.
 */
export function trainHeatmapModel(options: HeatmapTrainOptions): Promise<HeatmapTrainOutcome> {
  return trainToCheckpoint<HeatmapTrainResult, HeatmapTrainProgress>(
    {
      kind: 'train-heatmap',
      config: options.config ?? {},
      train: options.train,
      ...(options.val === undefined ? {} : { val: options.val }),
    },
    options,
    (result) => ({
      defaultName: `hourglass-${result.config.preset}`,
      content: {
        model: 'hourglass',
        seed: options.seed,
        config: result.config,
        backend: savedBackend(result.backend),
        metrics: result.metrics,
      },
    }),
  );
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
    { ...workerSplit(options), images, sampleSize: pixels, batchSize, passes },
    (x, firstIndex, count) => ({
      kind: 'predict-heatmap',
      checkpointPath: options.checkpointPath,
      images: { x, count, size: images.size },
      firstIndex,
      passes,
      seed,
      batchSize,
      peaks,
    }),
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

export interface HeatmapBenchOptions extends BenchRunOptions {
  preset: HourglassPreset;
  /** Overrides the preset's batch (on wasm, whose heap is 4 GB, the paper net fits one crop per batch, not 16). */
  batchSize?: number;
}

export type HeatmapBenchOutcome = BenchThroughput<HourglassPreset>;

/** Training and MC-inference throughput of one heatmap preset on this machine, single worker, random data. */
export async function benchHeatmap(options: HeatmapBenchOptions): Promise<HeatmapBenchOutcome> {
  const result = await runBenchJob<HeatmapBenchResult>(
    {
      kind: 'bench-heatmap',
      config: {
        preset: options.preset,
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      },
    },
    benchSizes(options),
    options,
  );
  return benchThroughput(options.preset, result);
}

interface BenchSizes {
  trainBatches: number;
  mcSamples: number;
  mcPasses: number;
}

function benchSizes(options: BenchRunOptions): BenchSizes {
  return {
    trainBatches: options.trainBatches ?? 5,
    mcSamples: options.mcSamples ?? 32,
    mcPasses: options.mcPasses ?? 10,
  };
}

/** Runs one benchmark job in a single worker thread, on random data of seed 1. */
function runBenchJob<R extends BenchResult | HeatmapBenchResult>(
  job: Pick<BenchJob, 'kind' | 'config'> | Pick<HeatmapBenchJob, 'kind' | 'config'>,
  sizes: BenchSizes,
  options: BenchRunOptions,
): Promise<R> {
  return runInWorker<R, never>(
    { ...job, ...sizes, seed: 1, ...optionalBackend(options.backend) },
    optionalSignal(options.signal),
  );
}

/** The benchmark's outcome from its worker's result; the peak memory is read now, once all timing is done. */
function benchThroughput<Preset>(
  preset: Preset,
  result: BenchResult | HeatmapBenchResult,
): BenchThroughput<Preset> {
  return {
    preset,
    backend: result.backend,
    trainSamplesPerSecond: result.trainSamplesPerSecond,
    mcSamplePassesPerSecond: result.mcSamplePassesPerSecond,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** The settings a prediction call passes through to its workers. */
interface WorkerSplit {
  workers?: number;
  backend?: BackendName;
  signal?: AbortSignal;
  onProgress?: (progress: SplitProgress) => void;
}

/** Picks the split settings out of a prediction call's options. */
function workerSplit({ workers, backend, signal, onProgress }: WorkerSplit): WorkerSplit {
  return { workers, backend, signal, onProgress };
}

// Jobs and run options leave out what the caller did not give, rather than carry an explicit undefined.
function optionalSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

function optionalBackend(backend: BackendName | undefined): { backend?: BackendName } {
  return backend === undefined ? {} : { backend };
}
