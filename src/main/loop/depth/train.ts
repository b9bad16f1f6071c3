import type { DepthTrainResult, TrainSettings } from '@shared/contract';
import { AppError } from '@shared/errors';
import { parents } from '@shared/skeletons';
import {
  createDepthLearner,
  loadCheckpointMeta,
  DEFAULT_DEPTH_AUGMENTATION,
  selectBackend,
  validateModelConfig,
  type CropCentring,
  type DeepPriorConfig,
} from '../../learner';
import { subProgress, within, type LoopContext, type LoopProject, type Span } from '../context';
import { validationMetrics } from '../common/suggestion-quality';
import { finishRun, prepareRun } from '../common/run';
import { trainingMessage, validationSplit } from '../common/training';
import type { TrainingSet, TrainTarget } from '../pipeline';
import { shippedStart } from '../pretrained/shipped';
import { meanCentreErrorMm, uvdCentroid } from './centring';
import { projectCrops, readCrops, readCropsAt, type CropBatch, type ProjectCrops } from './crops';
import { evaluateDepth, meanPoseBaseline, type DepthEvaluation } from './evaluation';
import { jointsToUvd, normalisedTargets, selectRows, stackRows } from './geometry';
import { validateDepth } from './quality';
import { predictCentred } from './refine';

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
  return withTargets(batch, uvds, crops);
}

type LabelledBatch = CropBatch & { y: Float32Array; uvds: Float64Array[] };

/** The labelled crops cut again around each frame's labelled joints' centroid. */
async function centredOnLabels(crops: ProjectCrops, labelled: LabelledBatch): Promise<LabelledBatch> {
  const centres = labelled.uvds.map((uvd) => uvdCentroid(uvd));
  return withTargets(await readCropsAt(crops, labelled, centres), labelled.uvds, crops);
}

/** A batch with its labels (image space) normalised around its own crop frames. */
function withTargets(batch: CropBatch, uvds: Float64Array[], crops: ProjectCrops): LabelledBatch {
  return { ...batch, uvds, y: normalisedTargets(batch.frames, uvds, crops.cubeMm) };
}

/**
 * Trains on the labelled set (10 % held out for model selection and early stopping, never the test split), by
 * default fine-tuning the project's latest compatible model, evaluates on the test split through the exact inverse
 * normalisation, and records the checkpoint.
 */
export async function trainDepth(
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
    },
    backend.name,
  );
  const preparing = subProgress(ctx, ...within(span, 0, 0.1), 'prepare');
  preparing(0, { message: 'cropping hands' });
  const crops = await projectCrops(project, config.inputSize);
  try {
    return await trainWithCrops(project, settings, target, ctx, span, crops, config, preparing);
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
  preparing: (fraction: number, extra: { message: string }) => void,
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
  const split = validationSplit(labelled.sampleIds);
  // With refinement the model sees two centrings when it predicts: the detector's crop (first stage) and a crop
  // re-centred on the hand (second stage). It trains on both crops of every training frame, the second centred on the
  // labelled joints' centroid (the augmentation's jitter stands in for the first stage's error). Validation keeps
  // the detector's crops.
  const trainedCentring: CropCentring = settings.refine ? 'refined' : 'detector';
  const detectorRows = selectRows(labelled, split.train, pixels, outputs);
  const trainRows =
    trainedCentring === 'refined'
      ? stackRows(
          detectorRows,
          selectRows(await centredOnLabels(crops, labelled), split.train, pixels, outputs),
        )
      : detectorRows;
  const val = split.val.length > 0 ? selectRows(labelled, split.val, pixels, outputs) : null;
  const dims = { height: config.inputSize, width: config.inputSize };
  // A hand project's first model fine-tunes the shipped pretrained one (when it fits), not random weights.
  const shipped = target.initialCheckpoint === undefined ? await shippedStart(project) : undefined;
  const { start, options } = await prepareRun(
    project,
    settings,
    shipped ? { ...target, initialCheckpoint: shipped } : target,
    'deepprior',
    config,
    { trainCount: trainRows.count, validated: val !== null },
    ctx,
    (message) => preparing(1, { message }),
  );

  const training = subProgress(ctx, ...within(span, 0.1, 0.85), 'train');
  const learner = createDepthLearner();
  try {
    const outcome = await learner.train({
      ...options,
      aux: { parents: parents(project.skeleton) },
      train: { x: trainRows.x, y: trainRows.y, count: trainRows.count, ...dims },
      ...(val ? { val: { x: val.x, y: val.y, count: val.count, ...dims, geometry: val.geometry } } : {}),
      ...(settings.augment ? { augmentation: DEFAULT_DEPTH_AUGMENTATION } : {}),
      cropCentring: trainedCentring,
      onProgress: (p) =>
        training(p.fraction, {
          ...trainingMessage({
            ...p,
            ...(p.valErrorMm !== undefined ? { extra: `, val ${p.valErrorMm.toFixed(1)} mm` } : {}),
          }),
          metrics: { loss: p.loss, ...(p.valErrorMm !== undefined ? { valErrorMm: p.valErrorMm } : {}) },
        }),
    });

    // The kept weights' centring: the starting checkpoint's when fine-tuning never beat it.
    const meta = await loadCheckpointMeta(outcome.checkpointPath);
    const centring = (meta.model === 'deepprior' ? meta.cropCentring : undefined) ?? 'detector';
    const evaluating = subProgress(ctx, ...within(span, 0.85, 1), 'evaluate');
    const validation = await validateDepth(learner, outcome.checkpointPath, val, dims, {
      passes: config.mcPasses,
      seed: settings.seed,
      signal: ctx.signal,
    });
    const test = await labelledBatch(target.set, crops, target.set.test);
    let evaluation: DepthEvaluation | null = null;
    let detectorTestErrorMm: number | null = null;
    let centreErrorMm: DepthTrainResult['centreErrorMm'] = null;
    if (test.sampleIds.length > 0) {
      const prediction = await predictCentred(crops, test, centring, (batch, first) =>
        learner.predictMc({
          checkpointPath: outcome.checkpointPath,
          images: { x: batch.x, count: batch.sampleIds.length, ...dims },
          passes: Math.min(config.mcPasses, 10),
          seed: settings.seed,
          signal: ctx.signal,
          onProgress: (p) =>
            evaluating(centring === 'detector' ? p.fraction : (p.fraction + (first ? 0 : 1)) / 2),
        }),
      );
      const meanPose = meanPoseBaseline(trainRows.y, trainRows.count);
      const count = test.sampleIds.length;
      const final = withTargets(prediction.batch, test.uvds, crops);
      evaluation = evaluateDepth(prediction.result.mean, final.y, final.geometry, count, meanPose);
      detectorTestErrorMm =
        centring === 'detector'
          ? evaluation.testErrorMm
          : evaluateDepth(prediction.first.result.mean, test.y, test.geometry, count, meanPose).testErrorMm;
      centreErrorMm = {
        detector: meanCentreErrorMm(test.y, test.geometry, count),
        refined: centring === 'detector' ? null : meanCentreErrorMm(final.y, final.geometry, count),
      };
    }
    const { run, checkpointId } = finishRun(
      project,
      target,
      outcome,
      {
        testErrorMm: evaluation?.testErrorMm ?? null,
        meanPoseErrorMm: evaluation?.meanPoseErrorMm ?? null,
        valErrorMm: outcome.metrics.bestValErrorMm,
        trainSamplesPerSecond: outcome.samplesPerSecond,
        ...validationMetrics(validation),
      },
      start,
    );
    return {
      model: 'deepprior',
      backend: outcome.backend.name,
      checkpoint: outcome.checkpointPath,
      checkpointId,
      trainSamples: detectorRows.count,
      testSamples: test.sampleIds.length,
      testErrorMm: evaluation?.testErrorMm ?? null,
      meanPoseErrorMm: evaluation?.meanPoseErrorMm ?? null,
      framesWithin20Mm: evaluation?.framesWithin20Mm ?? null,
      framesWithin40Mm: evaluation?.framesWithin40Mm ?? null,
      perJointErrorMm: evaluation?.perJointErrorMm ?? [],
      centring,
      detectorTestErrorMm,
      centreErrorMm,
      trainSamplesPerSecond: outcome.samplesPerSecond,
      trainWorkers: outcome.metrics.workers,
      ...run,
      preset: outcome.config.preset,
      variant: outcome.config.variant,
      validation,
    };
  } finally {
    learner.dispose();
  }
}
