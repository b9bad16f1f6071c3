import { resolve } from 'node:path';
import type { HeatmapTrainResult, TrainSettings } from '@shared/contract';
import { AppError } from '@shared/errors';
import { humanTree } from '@shared/pose2d';
import { mirrorPairs, type SkeletonLayout } from '@shared/skeletons';
import type { PersonCrop } from '../../datasets';
import {
  createHeatmapLearner,
  loadCheckpointMeta,
  selectBackend,
  validateHourglassConfig,
  type HeatmapPrediction,
} from '../../learner';
import { HEATMAP_SAMPLERS, runHeatmapSampler, type Selection } from '../../samplers';
import type { PredictionRow } from '../../store';
import { subProgress, within, type LoopContext, type LoopProject, type Span } from '../context';
import {
  epochsForSteps,
  expectKind,
  recordCheckpoint,
  trainingMessage,
  validationSplit,
} from '../common/training';
import type { LearningPipeline, RankSettings, TrainTarget } from '../pipeline';
import { pickBatch, pickRows, readPersonCrops } from './crops';
import { predictionDetails } from './details';
import { evaluateHeatmaps, type HeatmapEvaluation } from './evaluation';
import { labelsInCrops, meanPoseInCrop, predictionInImage, presentJoints } from './geometry';

/** Peaks kept per joint for refinement and the samplers (spec §4.7 suggests K = 3–5). */
const MAX_PEAKS = 5;

/** Heatmap-model predictions of some samples (`sampleIds` in row order) and the crops they were made on. */
export interface HeatmapPredictions {
  kind: 'heatmap';
  sampleIds: number[];
  result: HeatmapPrediction & { backend: { name: string } };
  crops: PersonCrop[];
}

/**
 * Trains the heatmap model on the labelled set (10 % held out for model selection), evaluates PCKh on the test split
 * against the mean-pose baseline, and records the checkpoint.
 */
async function train(
  project: LoopProject,
  settings: TrainSettings,
  target: TrainTarget,
  ctx: LoopContext,
  span: Span = [0, 1],
): Promise<HeatmapTrainResult> {
  const backend = await selectBackend();
  const layout = project.skeleton;
  const jointCount = layout.joints.length;
  const config = validateHourglassConfig(
    {
      preset: settings.preset,
      joints: jointCount,
      links: layout.edges.map(([p, c]) => [p, c] as [number, number]),
      mirrorPairs: mirrorPairs(layout),
    },
    backend.name,
  );
  // Measured: the paper net aborts wasm's 4 GB heap at 4 crops per batch (bench: 1 crop fits, 0.3 samples/s).
  if (backend.name === 'wasm' && config.preset === 'paper')
    throw new AppError(
      'unsupported',
      'the paper heatmap net does not fit the wasm backend (4 GB heap); use --preset fast, or install @tensorflow/tfjs-node(-gpu)',
      'preset',
    );
  const labelOf = (id: number) => target.set.labelOf(id) ?? [];
  const hasLabel = (id: number) => presentJoints(labelOf(id)).length >= 2;
  subProgress(ctx, ...within(span, 0, 0.1), 'prepare')(0, { message: 'cropping people' });
  const labelled = await readPersonCrops(
    project,
    target.set.labelled.filter(hasLabel),
    config.inputSize,
    labelOf,
    ctx.signal,
  );
  if (labelled.sampleIds.length < 2)
    throw new AppError(
      'invalid_input',
      `need at least 2 labelled samples with 2+ joints; have ${labelled.sampleIds.length}`,
    );
  const labels = labelsInCrops(labelled.sampleIds.map(labelOf), labelled.crops, labelled.size, jointCount);
  const part = (picks: number[]) => {
    const batch = pickBatch(labelled, picks);
    return {
      x: batch.x,
      count: picks.length,
      size: batch.size,
      joints: pickRows(labels.joints, picks, jointCount * 2),
      visibility: pickRows(labels.visibility, picks, jointCount),
    };
  };
  const split = validationSplit(labelled.sampleIds.length, settings.seed);
  const trainSet = part(split.train);
  const val = split.val.length > 0 ? part(split.val) : null;

  const training = subProgress(ctx, ...within(span, 0.1, 0.85), 'train');
  const learner = createHeatmapLearner();
  try {
    const outcome = await learner.train({
      config: {
        ...config,
        epochs: settings.epochs ?? epochsForSteps(config.epochs, config.batchSize, trainSet.count),
      },
      train: trainSet,
      ...(val ? { val } : {}),
      seed: settings.seed,
      checkpointDir: target.checkpointDir ?? project.modelsDir,
      signal: ctx.signal,
      onProgress: (p) => training(p.fraction, { ...trainingMessage(p), metrics: { loss: p.loss } }),
    });

    const evaluating = subProgress(ctx, ...within(span, 0.85, 1), 'evaluate');
    const test = await readPersonCrops(
      project,
      target.set.test.filter(hasLabel),
      config.inputSize,
      labelOf,
      ctx.signal,
    );
    let evaluation: HeatmapEvaluation | null = null;
    if (test.sampleIds.length > 0) {
      const prediction = await learner.predictMc({
        checkpointPath: outcome.checkpointPath,
        images: { x: test.x, count: test.sampleIds.length, size: test.size },
        passes: 1,
        seed: settings.seed,
        signal: ctx.signal,
        onProgress: (p) => evaluating(p.fraction),
      });
      const meanPose = meanPoseInCrop(trainSet, jointCount);
      const testLabels = test.sampleIds.map(labelOf);
      evaluation = evaluateHeatmaps(layout, testLabels, test.crops, test.size, prediction.location, meanPose);
    }
    const metrics = {
      testPckh: evaluation?.pckh ?? null,
      meanPosePckh: evaluation?.meanPosePckh ?? null,
      trainSamplesPerSecond: outcome.samplesPerSecond,
    };
    const checkpointId = recordCheckpoint(project, target, outcome, metrics);
    return {
      model: 'hourglass',
      backend: outcome.backend.name,
      checkpoint: outcome.checkpointPath,
      checkpointId,
      trainSamples: trainSet.count,
      testSamples: test.sampleIds.length,
      testPckh: metrics.testPckh,
      meanPosePckh: metrics.meanPosePckh,
      testPckhReference: evaluation?.referencePckh ?? null,
      perJointPckh: evaluation?.perJoint ?? [],
      trainSamplesPerSecond: outcome.samplesPerSecond,
      epochs: outcome.config.epochs,
      preset: outcome.config.preset,
    };
  } finally {
    learner.dispose();
  }
}

/** Stored prediction rows in image space, with the refinement details beside them. */
function predictionRows(
  layout: SkeletonLayout,
  sampleIds: readonly number[],
  crops: readonly PersonCrop[],
  prediction: HeatmapPrediction,
): PredictionRow[] {
  const tree = humanTree(layout);
  const j2 = prediction.joints * 2;
  return sampleIds.map((sampleId, i) => {
    const logVar = prediction.aleatoricLogVar;
    const inImage = predictionInImage(
      {
        location: prediction.location.subarray(i * j2, (i + 1) * j2),
        locationStd: prediction.locationStd.subarray(i * j2, (i + 1) * j2),
        aleatoricLogVar: logVar && logVar.subarray((i * j2) / 2, ((i + 1) * j2) / 2),
      },
      crops[i]!,
      prediction.inputSize,
      prediction.gridSize,
    );
    const { details, loglik } = predictionDetails(tree, prediction, i, crops[i]!);
    return { sampleId, ...inImage, loglik, details };
  });
}

/** MC-dropout heatmap inference on samples with a person box; persists per-sample predictions and details. */
async function predict(
  project: LoopProject,
  checkpoint: { id: number; path: string },
  sampleIds: readonly number[],
  options: { passes: number; seed: number; roundId: number | null; persist: boolean },
  ctx: LoopContext,
  span: Span = [0, 1],
): Promise<HeatmapPredictions> {
  const checkpointPath = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(checkpointPath);
  if (meta.model !== 'hourglass')
    throw new AppError(
      'invalid_input',
      `${checkpoint.path} is not a heatmap model; train this project first`,
    );
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
      onProgress: (p) =>
        step(p.fraction, {
          message: `${p.samplePassesDone} sample·passes`,
          etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined,
        }),
    })
    .finally(() => learner.dispose());
  if (options.persist) {
    project.store.rounds.putPredictions(
      options.roundId,
      checkpoint.id,
      options.passes,
      predictionRows(project.skeleton, batch.sampleIds, batch.crops, result),
    );
  }
  return { kind: 'heatmap', sampleIds: batch.sampleIds, result, crops: batch.crops };
}

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
  train,
  predict,
  rank: (project, scored, known, settings) =>
    rank(project, expectKind(scored, 'heatmap'), expectKind(known, 'heatmap'), settings),
  headline: (result) => (result.model === 'hourglass' ? (result.testPckh ?? Number.NaN) : Number.NaN),
};
