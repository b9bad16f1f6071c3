import type { HeatmapTrainResult, TrainSettings } from '@shared/contract';
import { AppError } from '@shared/errors';
import { mirrorPairs } from '@shared/skeletons';
import { createHeatmapLearner, selectBackend, validateHourglassConfig } from '../../learner';
import { subProgress, within, type LoopContext, type LoopProject, type Span } from '../context';
import { validationMetrics } from '../common/suggestion-quality';
import { finishRun, prepareRun } from '../common/run';
import { trainingMessage, validationSplit } from '../common/training';
import type { TrainTarget } from '../pipeline';
import { shippedStart } from '../pretrained/shipped';
import { pickBatch, pickRows, readPersonCrops } from './crops';
import { evaluateHeatmaps, type HeatmapEvaluation } from './evaluation';
import { labelsInCrops, meanPoseInCrop, presentJoints } from './geometry';
import { validateHeatmaps } from './quality';

/**
 * Trains the heatmap model on the labelled set (10 % held out for model selection and early stopping), by default
 * fine-tuning the project's latest compatible model, evaluates PCKh on the test split against the mean-pose
 * baseline, and records the checkpoint.
 */
export async function trainHeatmaps(
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
  /** The person crops of the samples among `ids` with 2+ labelled joints. */
  const labelledCrops = (ids: readonly number[]) =>
    readPersonCrops(project, ids.filter(hasLabel), config.inputSize, labelOf, ctx.signal);
  const preparing = subProgress(ctx, ...within(span, 0, 0.1), 'prepare');
  preparing(0, { message: 'cropping people' });
  const labelled = await labelledCrops(target.set.labelled);
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
  const split = validationSplit(labelled.sampleIds);
  const trainSet = part(split.train);
  const val = split.val.length > 0 ? part(split.val) : null;
  // A people project's first model fine-tunes the shipped pretrained one (when its skeleton fits), not random weights.
  const shipped = target.initialCheckpoint === undefined ? await shippedStart(project) : undefined;
  const { start, options } = await prepareRun(
    project,
    settings,
    shipped ? { ...target, initialCheckpoint: shipped } : target,
    'hourglass',
    config,
    { trainCount: trainSet.count, validated: val !== null },
    ctx,
    (message) => preparing(1, { message }),
  );

  const training = subProgress(ctx, ...within(span, 0.1, 0.85), 'train');
  const learner = createHeatmapLearner();
  try {
    const outcome = await learner.train({
      ...options,
      train: trainSet,
      ...(val ? { val } : {}),
      onProgress: (p) => training(p.fraction, { ...trainingMessage(p), metrics: { loss: p.loss } }),
    });

    const evaluating = subProgress(ctx, ...within(span, 0.85, 1), 'evaluate');
    const valCrops = split.val.length > 0 ? pickBatch(labelled, split.val) : null;
    const validation = await validateHeatmaps(
      learner,
      outcome.checkpointPath,
      valCrops,
      (valCrops?.sampleIds ?? []).map(labelOf),
      { passes: config.mcPasses, seed: settings.seed, signal: ctx.signal },
    );
    const test = await labelledCrops(target.set.test);
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
      testPckhIgnoringSides: evaluation?.pckhIgnoringSides ?? null,
      trainSamplesPerSecond: outcome.samplesPerSecond,
    };
    const { run, checkpointId } = finishRun(
      project,
      target,
      outcome,
      { ...metrics, ...validationMetrics(validation) },
      start,
    );
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
      testPckhIgnoringSides: metrics.testPckhIgnoringSides,
      perJointPckh: evaluation?.perJoint ?? [],
      trainSamplesPerSecond: outcome.samplesPerSecond,
      trainWorkers: outcome.metrics.workers,
      ...run,
      preset: outcome.config.preset,
      validation,
    };
  } finally {
    learner.dispose();
  }
}
