import { AppError } from '@shared/errors';
import type { BackendChoice } from '../../backend';
import type { Learner, LearnerConfig, McRunOptions, TrainedCheckpoint, TrainRunOptions } from '../../learner';
import { readCheckpointMeta, requireModel } from '../../node/checkpoint';
import { join32, learnerScope, savedBackend, splitOverWorkers, trainToCheckpoint } from '../../node/run';
import type {
  HeatmapLabelledCrops,
  HeatmapPrediction,
  HeatmapPredictResult,
  HeatmapTrainProgress,
  HeatmapTrainResult,
  RgbCrops,
} from '../../protocol';
import { defaultPeakMinDistance } from './inference';
import type { HourglassConfigInput } from './types';

export interface HeatmapTrainOptions extends TrainRunOptions<HeatmapTrainProgress> {
  /** Preset ('fast' default, or 'paper') plus overrides; the skeleton (joints, links, mirror pairs) included. */
  config?: HourglassConfigInput;
  /** Crops must be config.inputSize pixels square. */
  train: HeatmapLabelledCrops;
  /** Model selection by its pose loss; also reports the grid-px error of the kept weights. */
  val?: HeatmapLabelledCrops;
}

export type HeatmapTrainOutcome = TrainedCheckpoint<
  HeatmapTrainResult['metrics'],
  HeatmapTrainResult['config']
>;

export interface HeatmapPredictOptions extends McRunOptions {
  /** Crops of the checkpoint's inputSize. */
  images: RgbCrops;
  /** MC passes M; default the checkpoint's config.mcPasses. 1 = dropout off (deterministic, locationStd 0). */
  passes?: number;
  /** Local maxima of the mean heatmaps: md (grid px; default `defaultPeakMinDistance(G)`) and K (default 5). */
  peaks?: { minDistance?: number; maxPeaks?: number };
}

export type HeatmapLearner = Learner<
  HeatmapTrainOptions,
  HeatmapTrainOutcome,
  HeatmapPredictOptions,
  HeatmapPrediction & { backend: BackendChoice }
>;

/** The 2-D human pose model: a stacked hourglass on RGB person crops, with its VL4Pose / aleatoric / LL heads. */
export function createLearner(config: LearnerConfig = {}): HeatmapLearner {
  const scope = learnerScope(config);
  return {
    train: async (options) => train(scope.options(options)),
    predictMc: async (options) => predictMc(scope.options(options)),
    dispose: scope.dispose,
  };
}

/**
 * Trains a fresh stacked hourglass with its auxiliary heads in a worker thread and writes the checkpoint atomically
 * (model 'hourglass'). Cancelling terminates the worker and writes nothing; a NaN/Inf loss rejects and writes nothing.
 */
function train(options: HeatmapTrainOptions): Promise<HeatmapTrainOutcome> {
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

/**
 * MC-dropout inference of a heatmap checkpoint, split over worker threads in whole batches with masks keyed by
 * (seed, sample index, pass): bit-identical results for any worker count. Returns per-sample summaries.
 */
async function predictMc(
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
    options,
    { images, sampleSize: pixels, batchSize, passes },
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
