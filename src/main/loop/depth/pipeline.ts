import { resolve } from 'node:path';
import type { DepthTrainResult, TrainSettings } from '@shared/contract';
import { AppError } from '@shared/errors';
import { parents } from '@shared/skeletons';
import {
  createDepthLearner,
  loadCheckpointMeta,
  selectBackend,
  validateModelConfig,
  type DeepPriorConfig,
  type PredictResult,
} from '../../learner';
import { runSampler, SAMPLERS, type SamplerInput } from '../../samplers';
import type { PredictionRow } from '../../store';
import { subProgress, within, type LoopContext, type LoopProject, type Span } from '../context';
import {
  epochsForSteps,
  expectKind,
  recordCheckpoint,
  trainingMessage,
  validationSplit,
} from '../common/training';
import type { LearningPipeline, TrainingSet, TrainTarget } from '../pipeline';
import { projectCrops, readCrops, type CropBatch, type ProjectCrops } from './crops';
import { evaluateDepth, meanPoseBaseline, type DepthEvaluation } from './evaluation';
import {
  jointsToUvd,
  normalisedTargets,
  selectRows,
  stdToImageSpace,
  toImageSpace,
  varianceToImageSpace,
} from './geometry';

/** MC predictions of a depth model for the samples it could crop (`sampleIds`, in row order). */
export interface DepthPredictions {
  kind: 'depth';
  sampleIds: number[];
  result: PredictResult;
  batch: CropBatch;
}

/** Crops + normalised targets of labelled samples (those with a detected hand and every joint present). */
async function labelledBatch(set: TrainingSet, crops: ProjectCrops, sampleIds: readonly number[]) {
  const uvdById = new Map<number, Float64Array>();
  for (const id of sampleIds) {
    const joints = set.labelOf(id);
    const uvd = joints && jointsToUvd(joints);
    if (uvd) uvdById.set(id, uvd);
  }
  const batch = await readCrops(crops, [...uvdById.keys()]);
  const uvds = batch.sampleIds.map((id) => uvdById.get(id)!);
  return { ...batch, y: normalisedTargets(batch.frames, uvds, crops.cubeMm) };
}

/**
 * Trains on the labelled set (10 % held out for model selection, never the test split), evaluates on the test
 * split through the exact inverse normalisation, and records the checkpoint.
 */
async function train(
  project: LoopProject,
  settings: TrainSettings,
  target: TrainTarget,
  ctx: LoopContext,
  span: Span = [0, 1],
): Promise<DepthTrainResult> {
  const backend = await selectBackend();
  const config = validateModelConfig(
    {
      preset: settings.preset,
      variant: settings.variant,
      loss: settings.loss,
      outputs: project.skeleton.joints.length * 3,
      ...(settings.epochs ? { epochs: settings.epochs } : {}),
    },
    backend.name,
  );
  subProgress(ctx, ...within(span, 0, 0.1), 'prepare')(0, { message: 'cropping hands' });
  const crops = await projectCrops(project, config.inputSize);
  try {
    return await trainWithCrops(project, settings, target, ctx, span, crops, config);
  } finally {
    await crops.cache.close();
  }
}

async function trainWithCrops(
  project: LoopProject,
  settings: TrainSettings,
  target: TrainTarget,
  ctx: LoopContext,
  span: Span,
  crops: ProjectCrops,
  config: DeepPriorConfig,
): Promise<DepthTrainResult> {
  const labelled = await labelledBatch(target.set, crops, target.set.labelled);
  if (labelled.sampleIds.length < 2) {
    throw new AppError(
      'invalid_input',
      `need at least 2 labelled samples with every joint and a detected hand; have ${labelled.sampleIds.length}`,
    );
  }
  const { outputs } = config;
  const pixels = config.inputSize * config.inputSize;
  const split = validationSplit(labelled.sampleIds.length, settings.seed);
  const trainRows = selectRows(labelled, split.train, pixels, outputs);
  const val = split.val.length > 0 ? selectRows(labelled, split.val, pixels, outputs) : null;
  const dims = { height: config.inputSize, width: config.inputSize };

  const training = subProgress(ctx, ...within(span, 0.1, 0.85), 'train');
  const learner = createDepthLearner();
  try {
    const outcome = await learner.train({
      config: {
        ...config,
        epochs: settings.epochs ?? epochsForSteps(config.epochs, config.batchSize, trainRows.count),
      },
      aux: { parents: parents(project.skeleton) },
      train: { x: trainRows.x, y: trainRows.y, count: trainRows.count, ...dims },
      ...(val ? { val: { x: val.x, y: val.y, count: val.count, ...dims, geometry: val.geometry } } : {}),
      seed: settings.seed,
      checkpointDir: target.checkpointDir ?? project.modelsDir,
      signal: ctx.signal,
      onProgress: (p) =>
        training(p.fraction, {
          ...trainingMessage({
            ...p,
            ...(p.valErrorMm !== undefined ? { extra: `, val ${p.valErrorMm.toFixed(1)} mm` } : {}),
          }),
          metrics: { loss: p.loss, ...(p.valErrorMm !== undefined ? { valErrorMm: p.valErrorMm } : {}) },
        }),
    });

    const evaluating = subProgress(ctx, ...within(span, 0.85, 1), 'evaluate');
    const test = await labelledBatch(target.set, crops, target.set.test);
    let evaluation: DepthEvaluation | null = null;
    if (test.sampleIds.length > 0) {
      const prediction = await learner.predictMc({
        checkpointPath: outcome.checkpointPath,
        images: { x: test.x, count: test.sampleIds.length, ...dims },
        passes: Math.min(config.mcPasses, 10),
        seed: settings.seed,
        signal: ctx.signal,
        onProgress: (p) => evaluating(p.fraction),
      });
      const meanPose = meanPoseBaseline(trainRows.y, trainRows.count);
      evaluation = evaluateDepth(prediction.mean, test.y, test.geometry, test.sampleIds.length, meanPose);
    }
    const checkpointId = recordCheckpoint(project, target, outcome, {
      testErrorMm: evaluation?.testErrorMm ?? null,
      meanPoseErrorMm: evaluation?.meanPoseErrorMm ?? null,
      valErrorMm: outcome.metrics.bestValErrorMm,
      trainSamplesPerSecond: outcome.samplesPerSecond,
    });
    return {
      model: 'deepprior',
      backend: outcome.backend.name,
      checkpoint: outcome.checkpointPath,
      checkpointId,
      trainSamples: trainRows.count,
      testSamples: test.sampleIds.length,
      testErrorMm: evaluation?.testErrorMm ?? null,
      meanPoseErrorMm: evaluation?.meanPoseErrorMm ?? null,
      framesWithin20Mm: evaluation?.framesWithin20Mm ?? null,
      framesWithin40Mm: evaluation?.framesWithin40Mm ?? null,
      perJointErrorMm: evaluation?.perJointErrorMm ?? [],
      trainSamplesPerSecond: outcome.samplesPerSecond,
      epochs: outcome.config.epochs,
      preset: outcome.config.preset,
      variant: outcome.config.variant,
    };
  } finally {
    learner.dispose();
  }
}

/** MC-dropout inference on samples with the given checkpoint; stores per-sample predictions in image space. */
async function predict(
  project: LoopProject,
  checkpoint: { id: number; path: string },
  sampleIds: readonly number[],
  options: { passes: number; seed: number; roundId: number | null; persist: boolean },
  ctx: LoopContext,
  span: Span = [0, 1],
): Promise<DepthPredictions> {
  const checkpointPath = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(checkpointPath);
  if (meta.model !== 'deepprior')
    throw new AppError('invalid_input', `${checkpoint.path} is not a depth model; train this project first`);
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
  if (options.persist) {
    const outputs = model.outputs;
    const rows: PredictionRow[] = batch.sampleIds.map((sampleId, i) => {
      const frame = batch.frames[i]!;
      return {
        sampleId,
        mean: toImageSpace(result.mean, i, outputs, frame, crops.cubeMm),
        std: stdToImageSpace(result.std, i, outputs, frame, crops.cubeMm),
        aleatoric:
          result.aleatoric && varianceToImageSpace(result.aleatoric, i, outputs, frame.side, crops.cubeMm),
        loglik: null,
      };
    });
    project.store.rounds.putPredictions(
      options.roundId,
      checkpoint.id,
      model.variant === 'plain' ? 1 : options.passes,
      rows,
    );
  }
  return { kind: 'depth', sampleIds: batch.sampleIds, result, batch };
}

/** Runs the sampler on MC predictions of the candidates, with the labelled set's predictions as known centres. */
function rank(
  project: LoopProject,
  scored: DepthPredictions,
  known: DepthPredictions,
  settings: { sampler: string; budget: number; seed: number; eta: number },
) {
  const layout = project.skeleton;
  const { result } = scored;
  const input: SamplerInput = {
    candidates: {
      mean: result.mean,
      std: result.std,
      ...(result.aleatoric ? { aleatoric: result.aleatoric } : {}),
      ...(result.aux
        ? { linkOffsetMean: result.aux.offsetMean, linkOffsetLogVar: result.aux.offsetLogVar }
        : {}),
    },
    labelled: { mean: known.result.mean, std: known.result.std },
    dims: layout.joints.length * 3,
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
  train,
  predict,
  rank: (project, scored, known, settings) =>
    rank(project, expectKind(scored, 'depth'), expectKind(known, 'depth'), settings),
  headline: (result) => (result.model === 'deepprior' ? (result.testErrorMm ?? Number.NaN) : Number.NaN),
};
