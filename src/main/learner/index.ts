/**
 * The learner layer's public face: backend choice, training in a worker thread, atomic checkpoints, MC-dropout
 * inference split across worker threads, the VL4Pose auxiliary head, and benchmarks. Works on typed arrays only.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@shared/errors';
import type { BackendName } from './backend';
import type { DeepPriorConfigInput } from './models/deepprior/types';
import type { Vl4PoseAuxConfigInput } from './models/vl4pose-aux/types';
import {
  readCheckpoint,
  readCheckpointMeta,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointMeta,
} from './node/checkpoint';
import { runInWorker } from './node/pool';
import { runTorchReference, type TorchReference } from './bench/torch';
import type {
  BenchResult,
  CropImages,
  LabelledCrops,
  PredictProgress,
  PredictResult,
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
export { meanJointErrorMm, toXyz } from './metrics';
export type {
  DeepPriorConfig,
  DeepPriorConfigInput,
  DeepPriorVariant,
  DeepPriorLoss,
} from './models/deepprior/types';
export type { Vl4PoseAuxConfig, Vl4PoseAuxConfigInput, SkeletonLink } from './models/vl4pose-aux/types';
export type { Checkpoint, CheckpointMeta } from './node/checkpoint';
export type {
  CropImages,
  CropGeometry,
  LabelledCrops,
  ValidationSet,
  TrainProgress,
  TrainMetrics,
  McResult,
  PredictResult,
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

/** Reads a checkpoint (metadata and weights) in this thread; no TensorFlow.js needed. */
export function loadCheckpoint(path: string): Promise<Checkpoint> {
  return readCheckpoint(path);
}

export function loadCheckpointMeta(path: string): Promise<CheckpointMeta> {
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
  const meta = await readCheckpointMeta(options.checkpointPath);
  const { images } = options;
  const passes = meta.config.variant === 'plain' ? 1 : (options.passes ?? meta.config.mcPasses);
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  const pixels = images.height * images.width;
  if (images.x.length !== images.count * pixels)
    throw new AppError('invalid_input', 'images.x length ≠ count·height·width', 'images');
  const batches = Math.ceil(images.count / batchSize);
  const workerCount = Math.max(1, Math.min(options.workers ?? availableParallelism(), batches));
  const total = images.count * passes;
  let done = 0;
  const started = performance.now();
  const onWorkerProgress = (progress: PredictProgress): void => {
    done += progress.samplePassesDone;
    const fraction = total === 0 ? 1 : done / total;
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({
      fraction,
      etaSeconds: fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.NaN,
      samplePassesDone: done,
    });
  };
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const parts = await Promise.all(
      Array.from({ length: workerCount }, (_, w) => {
        // Whole batches per worker, so every sample sees the same batch composition as in a single-worker run.
        const from = Math.floor((w * batches) / workerCount) * batchSize;
        const to = Math.min(images.count, Math.floor(((w + 1) * batches) / workerCount) * batchSize);
        const x = images.x.slice(from * pixels, to * pixels);
        return runInWorker<PredictResult, PredictProgress>(
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
    return concatenate(parts);
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

function concatenate(parts: PredictResult[]): PredictResult {
  const join32 = (arrays: Float32Array[]): Float32Array => {
    const out = new Float32Array(arrays.reduce((n, a) => n + a.length, 0));
    let offset = 0;
    for (const array of arrays) {
      out.set(array, offset);
      offset += array.length;
    }
    return out;
  };
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

function optionalSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}
