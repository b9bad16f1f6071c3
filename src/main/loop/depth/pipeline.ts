import { parents } from '@shared/skeletons';
import { createDepthLearner, type PredictResult } from '../../learner';
import { runSampler, SAMPLERS, type SamplerInput } from '../../samplers';
import type { PredictionRow } from '../../store';
import { subProgress, type LoopContext, type LoopProject, type Span } from '../context';
import { checkpointOf, expectKind } from '../common/training';
import type { CheckpointRef, LearningPipeline, PredictOptions, RankSettings } from '../pipeline';
import { projectCrops, readCrops, type CropBatch } from './crops';
import { poseCentred, stdToImageSpace, toImageSpace, varianceToImageSpace } from './geometry';
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

/** MC-dropout inference on samples with the given checkpoint; stores per-sample predictions in image space. */
async function predict(
  project: LoopProject,
  checkpoint: CheckpointRef,
  sampleIds: readonly number[],
  options: PredictOptions,
  ctx: LoopContext,
  span: Span = [0, 1],
): Promise<DepthPredictions> {
  const { path: checkpointPath, meta } = await checkpointOf(project, checkpoint, 'deepprior', 'depth');
  const model = meta.config;
  const crops = await projectCrops(project, model.inputSize);
  const batch = await readCrops(crops, sampleIds).finally(() => crops.cache.close());
  const step = subProgress(ctx, ...span, 'infer');
  const learner = createDepthLearner();
  const result = await learner
    .predictMc({
      checkpointPath,
      images: { x: batch.x, count: batch.sampleIds.length, height: model.inputSize, width: model.inputSize },
      passes: options.passes,
      seed: options.seed,
      signal: ctx.signal,
      onProgress: (p) =>
        step(p.fraction, {
          message: `${p.samplePassesDone} sample·passes`,
          etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined,
        }),
    })
    .finally(() => learner.dispose());
  const meanInImage = (row: number) =>
    toImageSpace(result.mean, row, model.outputs, batch.frames[row]!, crops.cubeMm);
  if (options.persist) {
    const outputs = model.outputs;
    const rows: PredictionRow[] = batch.sampleIds.map((sampleId, i) => {
      const frame = batch.frames[i]!;
      return {
        sampleId,
        mean: meanInImage(i),
        std: stdToImageSpace(result.std, i, outputs, frame, crops.cubeMm),
        aleatoric:
          result.aleatoric && varianceToImageSpace(result.aleatoric, i, outputs, frame.side, crops.cubeMm),
        loglik: null,
      };
    });
    project.store.predictions.put(
      options.roundId,
      checkpoint.id,
      model.variant === 'plain' ? 1 : options.passes,
      rows,
    );
  }
  return { kind: 'depth', sampleIds: batch.sampleIds, result, batch, meanInImage };
}

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
  train: trainDepth,
  predict,
  rank: (project, scored, known, settings) =>
    rank(project, expectKind(scored, 'depth'), expectKind(known, 'depth'), settings),
  headline: (result) => (result.model === 'deepprior' ? (result.testErrorMm ?? Number.NaN) : Number.NaN),
};
