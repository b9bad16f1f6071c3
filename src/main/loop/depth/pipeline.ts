import { parents } from '@shared/skeletons';
import { createDepthLearner, type PredictResult } from '../../learner';
import { runSampler, SAMPLERS, type SamplerInput } from '../../samplers';
import type { PredictionRow } from '../../store';
import { storedScales, withScales, type UncertaintyScales } from '../calibration';
import { subProgress, type LoopProject } from '../context';
import { checkpointOf, expectKind, inferenceMessage } from '../common/training';
import type { LearningPipeline, Predict, RankSettings } from '../pipeline';
import { projectCrops, readCrops, type CropBatch } from './crops';
import { poseCentred, stdToImageSpace, toImageSpace, varianceToImageSpace } from './geometry';
import { FIRST_STAGE_PASSES, predictCentred } from './refine';
import { trainDepth } from './train';

/** MC predictions of a depth model for the samples it could crop (`sampleIds`, in row order). */
export interface DepthPredictions {
  kind: 'depth';
  sampleIds: number[];
  result: PredictResult;
  batch: CropBatch;
  /** Row i's MC mean in image space (u px, v px, d mm per joint): what the annotate view would suggest. */
  meanInImage(row: number): Float32Array;
}

/** Stored prediction rows of MC predictions: image space (u, v px, d mm), std and aleatoric variance alike. */
export function imageSpaceRows(
  result: PredictResult,
  batch: CropBatch,
  outputs: number,
  cubeMm: number,
  scales: UncertaintyScales,
): PredictionRow[] {
  return batch.sampleIds.map((sampleId, i) => {
    const frame = batch.frames[i]!;
    return withScales(
      {
        sampleId,
        mean: toImageSpace(result.mean, i, outputs, frame, cubeMm),
        std: stdToImageSpace(result.std, i, outputs, frame.side, cubeMm),
        aleatoric: result.aleatoric && varianceToImageSpace(result.aleatoric, i, outputs, frame.side, cubeMm),
        loglik: null,
      },
      scales,
    );
  });
}

/**
 * MC-dropout inference on samples with the given checkpoint, centred as its training crops were (re-centred on a
 * first prediction for a `refined` model); stores per-sample predictions in image space.
 */
const predict: Predict<DepthPredictions> = async (project, checkpoint, sampleIds, options, ctx, span) => {
  const { path: checkpointPath, meta } = await checkpointOf(project, checkpoint, 'deepprior', 'depth');
  const model = meta.config;
  const crops = await projectCrops(project, model.inputSize);
  const detected = await readCrops(crops, sampleIds).finally(() => crops.cache.close());
  const centring = meta.cropCentring ?? 'detector';
  const step = subProgress(ctx, ...span, 'infer');
  // Progress: a refined model's first stage runs firstPasses of the passes the second runs.
  const firstPasses = Math.min(FIRST_STAGE_PASSES, options.passes);
  const firstShare = centring === 'refined' ? firstPasses / (firstPasses + options.passes) : 0;
  const learner = createDepthLearner();
  const { batch, result } = await predictCentred(crops, detected, centring, (images, first) =>
    learner.predictMc({
      checkpointPath,
      images: {
        x: images.x,
        count: images.sampleIds.length,
        height: model.inputSize,
        width: model.inputSize,
      },
      passes: first ? firstPasses : options.passes,
      seed: options.seed,
      signal: ctx.signal,
      onProgress: (p) =>
        step(
          first ? p.fraction * firstShare : firstShare + p.fraction * (1 - firstShare),
          inferenceMessage(p, first ? 'centring: ' : ''),
        ),
    }),
  ).finally(() => learner.dispose());
  const meanInImage = (row: number) =>
    toImageSpace(result.mean, row, model.outputs, batch.frames[row]!, crops.cubeMm);
  if (options.persist)
    project.store.predictions.put(
      options.roundId,
      checkpoint.id,
      model.variant === 'plain' ? 1 : options.passes,
      // Stored σ are calibrated with the scales fitted on the validation split (train.ts): rings mean what they say.
      imageSpaceRows(
        result,
        batch,
        model.outputs,
        crops.cubeMm,
        storedScales(project.store.checkpoints.get(checkpoint.id)?.metrics),
      ),
    );
  return { kind: 'depth', sampleIds: batch.sampleIds, result, batch, meanInImage };
};

/** Runs the sampler on MC predictions of the candidates, with the labelled set's predictions as known centres. */
function rank(
  project: LoopProject,
  scored: DepthPredictions,
  known: DepthPredictions,
  settings: RankSettings,
) {
  const layout = project.skeleton;
  const { result } = scored;
  const dims = layout.joints.length * 3;
  const features = (mean: Float32Array) => (settings.features === 'crop' ? mean : poseCentred(mean, dims));
  const input: SamplerInput = {
    candidates: {
      mean: features(result.mean),
      std: result.std,
      ...(result.aleatoric ? { aleatoric: result.aleatoric } : {}),
      ...(result.aux
        ? { linkOffsetMean: result.aux.offsetMean, linkOffsetLogVar: result.aux.offsetLogVar }
        : {}),
    },
    labelled: { mean: features(known.result.mean), std: known.result.std },
    dims,
    jointCount: layout.joints.length,
    parents: parents(layout),
  };
  return runSampler(settings.sampler, input, {
    budget: settings.budget,
    seed: settings.seed,
    eta: settings.eta,
  });
}

/** Hands on depth images: DeepPrior (+ VL4Pose head) on hand crops, measured in mm. */
export const DEPTH_PIPELINE: LearningPipeline = {
  modality: 'depth',
  metric: 'test_error_mm',
  samplers: SAMPLERS.map((s) => s.id),
  simulateSamplers: ['coreset', 'uncertainty', 'cke', 'vl4pose'],
  defaultSampler: 'cke',
  train: trainDepth,
  predict,
  rank: (project, scored, known, settings) =>
    rank(project, expectKind(scored, 'depth'), expectKind(known, 'depth'), settings),
  headline: (result) => (result.model === 'deepprior' ? (result.testErrorMm ?? Number.NaN) : Number.NaN),
};
