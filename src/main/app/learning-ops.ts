import { relative, resolve } from 'node:path';
import type { PredictionView, TrainResult } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { permutation, createRng } from '@shared/random';
import { parents, type SkeletonLayout } from '@shared/skeletons';
import {
  loadCheckpointMeta,
  meanJointErrorMm,
  meanPoseBaseline,
  predictMc,
  selectBackend,
  toXyz,
  trainModel,
  validateModelConfig,
  type CropGeometry,
  type PredictResult,
} from '../learner';
import type { PredictionRow } from '../store';
import type { OpContext } from './context';
import type { Project } from './project';
import { runSampler, type SamplerInput, type Selection } from '../samplers';
import {
  jointsToUvd,
  normalisedTargets,
  projectCrops,
  readCrops,
  stdToImageSpace,
  toImageSpace,
  type CropBatch,
  type ProjectCrops,
} from './crops';

export interface TrainSettings {
  variant: 'plain' | 'A' | 'B' | 'C';
  preset: 'auto' | 'paper' | 'fast';
  epochs?: number;
  seed: number;
  loss: 'reference' | 'gaussian';
}

type Progress = Pick<OpContext, 'signal' | 'progress'>;

/** Scales a sub-task's progress into [from, to] of the whole job. */
export function subProgress(
  ctx: Progress,
  from: number,
  to: number,
  stage: string,
): (fraction: number, extra?: Partial<Parameters<OpContext['progress']>[0]>) => void {
  return (fraction, extra = {}) =>
    ctx.progress({ stage, ...extra, fraction: from + (to - from) * Math.min(1, Math.max(0, fraction)) });
}

/** Which samples to train and test on, and where their labels come from (annotations, or a simulation's oracle). */
export interface TrainingSet {
  labelled: readonly number[];
  test: readonly number[];
  labelOf(sampleId: number): readonly Joint[] | null;
}

/** The project's own training set: the labelled split and the test split, labelled by their annotations. */
export function projectTrainingSet(project: Project): TrainingSet {
  return {
    labelled: project.store.sampleIds('train'),
    test: project.store.sampleIds('test'),
    labelOf: (id) => project.store.annotations.get(id)?.joints ?? null,
  };
}

export interface TrainTarget {
  roundId: number | null;
  set: TrainingSet;
  /** Folder receiving the checkpoint (default: the project's models/). */
  checkpointDir?: string;
  /** Record the checkpoint in the project database (simulations do not). */
  record: boolean;
}

function labelledUvds(
  set: TrainingSet,
  sampleIds: readonly number[],
): { ids: number[]; uvds: Float64Array[] } {
  const ids: number[] = [];
  const uvds: Float64Array[] = [];
  for (const id of sampleIds) {
    const joints = set.labelOf(id);
    const uvd = joints && jointsToUvd(joints);
    if (uvd) {
      ids.push(id);
      uvds.push(uvd);
    }
  }
  return { ids, uvds };
}

/** Crops + normalised targets of labelled samples (those with a detected hand and every joint present). */
async function labelledBatch(set: TrainingSet, crops: ProjectCrops, sampleIds: readonly number[]) {
  const { ids, uvds } = labelledUvds(set, sampleIds);
  const batch = await readCrops(crops, ids);
  const uvdById = new Map(ids.map((id, i) => [id, uvds[i]!]));
  const y = normalisedTargets(
    batch.frames,
    batch.sampleIds.map((id) => uvdById.get(id)!),
    crops.cubeMm,
  );
  return { ...batch, y, uvds: batch.sampleIds.map((id) => uvdById.get(id)!) };
}

function subset(
  batch: CropBatch & { y: Float32Array },
  rows: readonly number[],
  pixels: number,
  outputs: number,
) {
  const x = new Float32Array(rows.length * pixels);
  const y = new Float32Array(rows.length * outputs);
  const geometry: CropGeometry = {
    centre: new Float64Array(rows.length * 3),
    cropSize: new Float64Array(rows.length),
    cube: new Float64Array(rows.length),
    intrinsics: new Float64Array(rows.length * 4),
  };
  rows.forEach((r, i) => {
    x.set(batch.x.subarray(r * pixels, (r + 1) * pixels), i * pixels);
    y.set(batch.y.subarray(r * outputs, (r + 1) * outputs), i * outputs);
    geometry.centre.set(batch.geometry.centre.subarray(r * 3, r * 3 + 3), i * 3);
    geometry.cropSize[i] = batch.geometry.cropSize[r]!;
    geometry.cube[i] = batch.geometry.cube[r]!;
    geometry.intrinsics.set(batch.geometry.intrinsics.subarray(r * 4, r * 4 + 4), i * 4);
  });
  return { x, y, geometry, count: rows.length };
}

/**
 * Trains on the labelled set (10 % held out for model selection, never the test split), evaluates on the test
 * split through the exact inverse normalisation, and records the checkpoint.
 */
export async function trainDepthModel(
  project: Project,
  settings: TrainSettings,
  target: TrainTarget,
  ctx: Progress,
  span: [number, number] = [0, 1],
): Promise<TrainResult> {
  const backend = await selectBackend();
  const layout = project.skeleton;
  const outputs = layout.joints.length * 3;
  const config = validateModelConfig(
    {
      preset: settings.preset,
      variant: settings.variant,
      loss: settings.loss,
      outputs,
      ...(settings.epochs ? { epochs: settings.epochs } : {}),
    },
    backend.name,
  );
  const [from, to] = span;
  const cropping = subProgress(ctx, from, from + (to - from) * 0.1, 'prepare');
  cropping(0, { message: 'cropping hands' });
  const crops = await projectCrops(project, config.inputSize);
  try {
    return await trainWithCrops(project, settings, target, ctx, span, crops, config, layout, outputs);
  } finally {
    await crops.cache.close();
  }
}

async function trainWithCrops(
  project: Project,
  settings: TrainSettings,
  target: TrainTarget,
  ctx: Progress,
  [from, to]: [number, number],
  crops: ProjectCrops,
  config: ReturnType<typeof validateModelConfig>,
  layout: SkeletonLayout,
  outputs: number,
): Promise<TrainResult> {
  const labelled = await labelledBatch(target.set, crops, target.set.labelled);
  if (labelled.sampleIds.length < 2) {
    throw new AppError(
      'invalid_input',
      `need at least 2 labelled samples with every joint and a detected hand; have ${labelled.sampleIds.length}`,
    );
  }
  const pixels = config.inputSize * config.inputSize;
  const order = Array.from(permutation(labelled.sampleIds.length, createRng(settings.seed)));
  const valCount =
    labelled.sampleIds.length >= 10 ? Math.max(1, Math.round(labelled.sampleIds.length * 0.1)) : 0;
  const train = subset(labelled, order.slice(valCount), pixels, outputs);
  const val = valCount > 0 ? subset(labelled, order.slice(0, valCount), pixels, outputs) : null;
  const dims = { height: config.inputSize, width: config.inputSize };

  const training = subProgress(ctx, from + (to - from) * 0.1, from + (to - from) * 0.85, 'train');
  const outcome = await trainModel({
    config: {
      ...config,
      epochs: settings.epochs ?? epochsForSteps(config.epochs, config.batchSize, train.count),
    },
    aux: { parents: parents(layout) },
    train: { x: train.x, y: train.y, count: train.count, ...dims },
    ...(val ? { val: { x: val.x, y: val.y, count: val.count, ...dims, geometry: val.geometry } } : {}),
    seed: settings.seed,
    checkpointDir: target.checkpointDir ?? project.modelsDir,
    signal: ctx.signal,
    onProgress: (p) =>
      training(p.fraction, {
        message: `epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}${p.valErrorMm !== undefined ? `, val ${p.valErrorMm.toFixed(1)} mm` : ''}`,
        etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined,
        metrics: { loss: p.loss, ...(p.valErrorMm !== undefined ? { valErrorMm: p.valErrorMm } : {}) },
      }),
  });

  const evaluating = subProgress(ctx, from + (to - from) * 0.85, to, 'evaluate');
  const test = await labelledBatch(target.set, crops, target.set.test);
  let testErrorMm: number | null = null;
  let meanPoseErrorMm: number | null = null;
  let within20: number | null = null;
  let within40: number | null = null;
  let perJoint: number[] = [];
  if (test.sampleIds.length > 0) {
    const prediction = await predictMc({
      checkpointPath: outcome.checkpointPath,
      images: { x: test.x, count: test.sampleIds.length, ...dims },
      passes: Math.min(config.mcPasses, 10),
      seed: settings.seed,
      signal: ctx.signal,
      onProgress: (p) => evaluating(p.fraction),
    });
    const count = test.sampleIds.length;
    testErrorMm = meanJointErrorMm(prediction.mean, test.y, test.geometry, count);
    const meanPose = meanPoseBaseline(train.y, train.count);
    const repeated = new Float32Array(count * outputs);
    for (let i = 0; i < count; i++) repeated.set(meanPose, i * outputs);
    meanPoseErrorMm = meanJointErrorMm(repeated, test.y, test.geometry, count);
    const errors = jointErrors(prediction.mean, test.y, test.geometry, count, outputs / 3);
    perJoint = errors.perJoint;
    within20 = errors.worstPerFrame.filter((e) => e <= 20).length / count;
    within40 = errors.worstPerFrame.filter((e) => e <= 40).length / count;
  }
  const metrics = {
    testErrorMm,
    meanPoseErrorMm,
    valErrorMm: outcome.metrics.bestValErrorMm,
    trainSamplesPerSecond: outcome.samplesPerSecond,
  };
  const checkpointId = recordCheckpoint(project, target, outcome, metrics);
  return {
    backend: outcome.backend.name,
    checkpoint: outcome.checkpointPath,
    checkpointId,
    trainSamples: train.count,
    testSamples: test.sampleIds.length,
    testErrorMm,
    meanPoseErrorMm,
    framesWithin20Mm: within20,
    framesWithin40Mm: within40,
    perJointErrorMm: perJoint,
    testPckh: null,
    meanPosePckh: null,
    testPckhReference: null,
    perJointPckh: [],
    trainSamplesPerSecond: outcome.samplesPerSecond,
    epochs: outcome.config.epochs,
    preset: outcome.config.preset,
    variant: outcome.config.variant,
    model: 'deepprior',
  };
}

/** Records a trained model in the project (rounds and `train`; simulations keep theirs private): its id, or 0. */
export function recordCheckpoint(
  project: Project,
  target: TrainTarget,
  outcome: { checkpointPath: string; config: object; backend: { name: string } },
  metrics: Record<string, number | null>,
): number {
  if (!target.record) return 0;
  return project.store.checkpoints.add({
    roundId: target.roundId,
    path: relative(project.modelsDir, outcome.checkpointPath),
    config: outcome.config,
    backend: outcome.backend.name,
    metrics,
  });
}

/**
 * A preset's epoch count assumes a few thousand labels. A small labelled set (a project's first rounds) would then
 * get only a few dozen optimiser steps, too few to learn anything, so unless the user sets --epochs, training runs at
 * least MIN_TRAIN_STEPS steps.
 */
export const MIN_TRAIN_STEPS = 200;

export function epochsForSteps(presetEpochs: number, batchSize: number, samples: number): number {
  const batchesPerEpoch = Math.max(1, Math.ceil(samples / batchSize));
  return Math.max(presetEpochs, Math.ceil(MIN_TRAIN_STEPS / batchesPerEpoch));
}

/** Per-joint mean error (mm) over frames and each frame's worst joint error. */
function jointErrors(
  predicted: Float32Array,
  truth: Float32Array,
  geometry: CropGeometry,
  count: number,
  joints: number,
) {
  const perJoint = new Float64Array(joints);
  const worstPerFrame: number[] = [];
  for (let i = 0; i < count; i++) {
    let worst = 0;
    for (let j = 0; j < joints; j++) {
      const at = (i * joints + j) * 3;
      const [px, py, pz] = toXyz(predicted, at, geometry, i);
      const [tx, ty, tz] = toXyz(truth, at, geometry, i);
      const error = Math.hypot(px - tx, py - ty, pz - tz);
      perJoint[j] = perJoint[j]! + error / count;
      worst = Math.max(worst, error);
    }
    worstPerFrame.push(worst);
  }
  return { perJoint: Array.from(perJoint), worstPerFrame };
}

/** MC predictions of a depth model for the samples it could crop (`sampleIds`, in row order). */
export interface DepthPredictions {
  kind: 'depth';
  sampleIds: number[];
  result: PredictResult;
  batch: CropBatch;
}

export interface RankSettings {
  sampler: string;
  budget: number;
  seed: number;
  eta: number;
}

/** Runs the sampler on MC predictions of the candidates, with the labelled set's predictions as known centres. */
export function rankDepthPredictions(
  project: Project,
  scored: DepthPredictions,
  known: DepthPredictions,
  settings: RankSettings,
): Selection {
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

/** MC-dropout inference on samples with the given checkpoint; stores per-sample predictions in image space. */
export async function predictDepthSamples(
  project: Project,
  checkpoint: { id: number; path: string },
  sampleIds: readonly number[],
  options: { passes: number; seed: number; roundId: number | null; persist: boolean },
  ctx: Progress,
  span: [number, number] = [0, 1],
): Promise<DepthPredictions> {
  const checkpointPath = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(checkpointPath);
  if (meta.model !== 'deepprior')
    throw new AppError('invalid_input', `${checkpoint.path} is not a depth model; train this project first`);
  const model = meta.config;
  const crops = await projectCrops(project, model.inputSize);
  const batch = await readCrops(crops, sampleIds).finally(() => crops.cache.close());
  const step = subProgress(ctx, span[0], span[1], 'infer');
  const result = await predictMc({
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
  });
  if (!options.persist) return { kind: 'depth', sampleIds: batch.sampleIds, result, batch };
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
  project.store.predictions.put(
    options.roundId,
    checkpoint.id,
    model.variant === 'plain' ? 1 : options.passes,
    rows,
  );
  return { kind: 'depth', sampleIds: batch.sampleIds, result, batch };
}

function varianceToImageSpace(
  variance: Float32Array,
  row: number,
  outputs: number,
  side: number,
  cubeMm: number,
): Float32Array {
  const out = new Float32Array(outputs);
  for (let c = 0; c < outputs; c++)
    out[c] = variance[row * outputs + c]! * (c % 3 === 2 ? cubeMm * cubeMm : side * side);
  return out;
}

export function predictionView(project: Project, sampleId: number): PredictionView | null {
  const stored = project.store.predictions.latest(sampleId);
  if (!stored) return null;
  const joints = [];
  for (let j = 0; j < stored.mean.length / 3; j++) {
    const at = j * 3;
    joints.push({
      u: stored.mean[at]!,
      v: stored.mean[at + 1]!,
      d: stored.mean[at + 2]!,
      stdPx: Math.max(stored.std[at]!, stored.std[at + 1]!),
      stdMm: stored.std[at + 2]!,
      aleatoricPx: stored.aleatoric
        ? Math.sqrt(Math.max(stored.aleatoric[at]!, stored.aleatoric[at + 1]!))
        : null,
    });
  }
  return {
    id: stored.id,
    roundId: stored.roundId,
    passes: stored.passes,
    joints,
    loglik: stored.loglik,
    details: (stored.details as PredictionView['details'] | undefined) ?? null,
    createdAt: stored.createdAt,
  };
}
