import type { McEngineName } from '../../engines';
import { AppError } from '@shared/errors';
import type { CropCentring } from '../../node/checkpoint';
import type { Learner, LearnerConfig, McRunOptions, TrainedCheckpoint, TrainRunOptions } from '../../learner';
import { readCheckpointMeta, requireModel } from '../../node/checkpoint';
import { join32, learnerScope, savedBackend, splitOverWorkers, trainToCheckpoint } from '../../node/run';
import type {
  CropImages,
  LabelledCrops,
  PredictResult,
  TrainProgress,
  TrainResult,
  ValidationSet,
} from '../../protocol';
import type { Vl4PoseAuxConfigInput } from '../vl4pose-aux/types';
import type { DepthAugmentation } from './augment';
import type { DeepPriorConfigInput } from './types';

export interface TrainOptions extends TrainRunOptions<TrainProgress> {
  /** Preset ('paper' | 'fast' | 'auto', default auto) plus overrides. */
  config?: DeepPriorConfigInput;
  /** Train the VL4Pose head alongside (give the skeleton's parents). */
  aux?: Vl4PoseAuxConfigInput;
  train: LabelledCrops;
  /** Held-out part of the labelled set: model selection by its MSE (spec §3.3, clean variant of G3). */
  val?: ValidationSet;
  /** Per-sample, per-epoch random rotation, scale and centre jitter of the training crops (run in the worker). */
  augmentation?: DepthAugmentation;
  /** How the caller centred the crops; stored in the checkpoint so prediction centres them the same way. */
  cropCentring?: CropCentring;
}

export type TrainOutcome = TrainedCheckpoint<TrainResult['metrics'], TrainResult['config']>;

export interface PredictOptions extends McRunOptions {
  images: CropImages;
  /** MC passes M; default the checkpoint's config (40 paper, 20 fast). Ignored (1) for the plain model. */
  passes?: number;
  /** MC engine; default $POSELOOP_MC_ENGINE, else ONNX Runtime where it loads, else TF.js. */
  engine?: McEngineName;
}

export type DepthLearner = Learner<TrainOptions, TrainOutcome, PredictOptions, PredictResult>;

/** The DeepPrior hand-pose regressor (depth crops → normalised joint coordinates), with its optional VL4Pose head. */
export function createLearner(config: LearnerConfig = {}): DepthLearner {
  const scope = learnerScope(config);
  return {
    train: async (options) => train(scope.options(options)),
    predictMc: async (options) => predictMc(scope.options(options)),
    dispose: scope.dispose,
  };
}

/**
 * Trains a fresh model in a worker thread and writes the best checkpoint atomically. Cancelling (signal) terminates
 * the worker and writes nothing; a diverging run (NaN/Inf loss) rejects and writes nothing.
 */
async function train(options: TrainOptions): Promise<TrainOutcome> {
  const start = options.initialCheckpoint ? await readCheckpointMeta(options.initialCheckpoint) : null;
  const startCentring = (start?.model === 'deepprior' ? start.cropCentring : undefined) ?? 'detector';
  return trainToCheckpoint<TrainResult, TrainProgress>(
    {
      kind: 'train',
      config: options.config ?? {},
      train: options.train,
      ...(options.val === undefined ? {} : { val: options.val }),
      ...(options.aux === undefined ? {} : { aux: options.aux }),
      ...(options.augmentation === undefined ? {} : { augmentation: options.augmentation }),
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
        augmentation: options.augmentation ?? null,
        // Fine-tuning that never beat the starting weights (best epoch 0) keeps them, and with them the centring
        // they were trained for: re-centring crops for a model that never learnt joint-centred crops makes it worse.
        cropCentring:
          start && result.metrics.bestEpoch === 0 ? startCentring : (options.cropCentring ?? 'detector'),
      },
    }),
  );
}

/**
 * MC-dropout inference split over worker threads. Work is split in whole batches and masks are keyed by (seed,
 * sample index, pass), so any number of workers gives bit-identical results to a single one for the same seed.
 */
async function predictMc(options: PredictOptions): Promise<PredictResult> {
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
    options,
    { images, sampleSize: pixels, batchSize, passes },
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
  if (new Set(parts.map((part) => part.engine.name)).size > 1)
    throw new AppError('internal', 'MC workers started different engines; results would not be comparable');
  return concatenate(parts);
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
