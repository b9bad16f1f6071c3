import { humanTree } from '@shared/pose2d';
import type { SkeletonLayout } from '@shared/skeletons';
import type { PersonCrop } from '../../datasets';
import { createHeatmapLearner, type HeatmapPrediction } from '../../learner';
import { HEATMAP_SAMPLERS, runHeatmapSampler, type Selection } from '../../samplers';
import type { PredictionRow } from '../../store';
import { storedScales, withScales, type UncertaintyScales } from '../calibration';
import { subProgress, within, type LoopProject } from '../context';
import { checkpointOf, expectKind, inferenceMessage } from '../common/training';
import type { LearningPipeline, Predict, RankSettings } from '../pipeline';
import { readPersonCrops } from './crops';
import { predictionDetails } from './details';
import { sampleInImage } from './geometry';
import { trainHeatmaps } from './train';

/** Peaks kept per joint for refinement and the samplers (spec §4.7 suggests K = 3–5). */
const MAX_PEAKS = 5;

/** Heatmap-model predictions of some samples (`sampleIds` in row order) and the crops they were made on. */
export interface HeatmapPredictions {
  kind: 'heatmap';
  sampleIds: number[];
  result: HeatmapPrediction & { backend: { name: string } };
  crops: PersonCrop[];
  /** Row i's joint locations in image space (u, v px, 0 per joint): what the annotate view would suggest. */
  meanInImage(row: number): Float32Array;
}

/** Stored prediction rows in image space, calibrated σ, with the refinement details beside them. */
function predictionRows(
  layout: SkeletonLayout,
  sampleIds: readonly number[],
  crops: readonly PersonCrop[],
  prediction: HeatmapPrediction,
  scales: UncertaintyScales,
): PredictionRow[] {
  const tree = humanTree(layout);
  return sampleIds.map((sampleId, i) => {
    const inImage = withScales(sampleInImage(prediction, i, crops[i]!), scales);
    const { details, loglik } = predictionDetails(tree, prediction, i, crops[i]!);
    return { sampleId, ...inImage, loglik, details };
  });
}

/** MC-dropout heatmap inference on samples with a person box; persists per-sample predictions and details. */
const predict: Predict<HeatmapPredictions> = async (project, checkpoint, sampleIds, options, ctx, span) => {
  const { path: checkpointPath, meta } = await checkpointOf(project, checkpoint, 'hourglass', 'heatmap');
  subProgress(ctx, ...within(span, 0, 0.2), 'prepare')(0, { message: `cropping ${sampleIds.length} images` });
  const batch = await readPersonCrops(project, sampleIds, meta.config.inputSize, undefined, ctx.signal);
  const step = subProgress(ctx, ...within(span, 0.2, 1), 'infer');
  const learner = createHeatmapLearner();
  const result = await learner
    .predictMc({
      checkpointPath,
      images: { x: batch.x, count: batch.sampleIds.length, size: batch.size },
      passes: options.passes,
      seed: options.seed,
      peaks: { maxPeaks: MAX_PEAKS },
      signal: ctx.signal,
      onProgress: (p) => step(p.fraction, inferenceMessage(p)),
    })
    .finally(() => learner.dispose());
  if (options.persist) {
    project.store.predictions.put(
      options.roundId,
      checkpoint.id,
      options.passes,
      predictionRows(
        project.skeleton,
        batch.sampleIds,
        batch.crops,
        result,
        storedScales(project.store.checkpoints.get(checkpoint.id)?.metrics),
      ),
    );
  }
  const meanInImage = (row: number) => sampleInImage(result, row, batch.crops[row]!).mean;
  return { kind: 'heatmap', sampleIds: batch.sampleIds, result, crops: batch.crops, meanInImage };
};

/** Runs a heatmap sampler on the candidates' prediction summaries; the labelled set's embeddings are CoreSet centres. */
function rank(
  project: LoopProject,
  scored: HeatmapPredictions,
  known: HeatmapPredictions,
  settings: RankSettings,
): Selection {
  const { result } = scored;
  return runHeatmapSampler(
    settings.sampler,
    {
      jointCount: result.joints,
      tree: humanTree(project.skeleton),
      candidates: {
        count: result.count,
        peaks: result.peaks,
        maxPeaks: result.maxPeaks,
        ...(result.linkParams ? { linkParams: result.linkParams } : {}),
        ...(result.aleatoricLogVar ? { aleatoricLogVar: result.aleatoricLogVar } : {}),
        ...(result.predictedLoss ? { predictedLoss: result.predictedLoss } : {}),
        embedding: result.embedding,
        embeddingSize: result.embeddingSize,
      },
      labelled: { count: known.result.count, embedding: known.result.embedding },
    },
    { budget: settings.budget, seed: settings.seed },
  );
}

/** People on RGB images: the stacked hourglass on person crops, measured by PCKh. */
export const RGB_PIPELINE: LearningPipeline = {
  modality: 'rgb',
  metric: 'test_pckh',
  samplers: HEATMAP_SAMPLERS.map((s) => s.id),
  simulateSamplers: ['coreset', 'vl4pose', 'mpe', 'aleatoric', 'learning-loss'],
  defaultSampler: 'vl4pose',
  train: trainHeatmaps,
  predict,
  rank: (project, scored, known, settings) =>
    rank(project, expectKind(scored, 'heatmap'), expectKind(known, 'heatmap'), settings),
  headline: (result) => (result.model === 'hourglass' ? (result.testPckh ?? Number.NaN) : Number.NaN),
};
