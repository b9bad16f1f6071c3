import { resolve } from 'node:path';
import type { TrainResult } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import {
  headSegmentSizes,
  humanTree,
  MPII_HEAD_SIZE_FACTOR,
  pck,
  poseLinkLogDensities,
  referencePckhCurve,
  refinePose,
  torsoSizes,
  type GridPoint,
  type HumanTree,
} from '@shared/pose2d';
import type { Peak } from '@shared/pose2d/peaks';
import { gridToCrop } from '@shared/pose2d/targets';
import { createRng, permutation } from '@shared/random';
import { mirrorPairs, type SkeletonLayout } from '@shared/skeletons';
import { boxAround, cropRgb, cropToImage, imageToCrop, personCrop, type PersonCrop } from '../datasets';
import { loadRgb } from '../datasets/node';
import {
  loadCheckpointMeta,
  predictHeatmaps,
  selectBackend,
  trainHeatmapModel,
  validateHourglassConfig,
  type HeatmapPrediction,
} from '../learner';
import { runHeatmapSampler, type Selection } from '../samplers';
import type { PredictionRow } from '../store';
import type { OpContext } from './context';
import {
  epochsForSteps,
  recordCheckpoint,
  subProgress,
  type RankSettings,
  type TrainSettings,
  type TrainTarget,
} from './learning-ops';
import type { Project } from './project';

type Progress = Pick<OpContext, 'signal' | 'progress'>;
type Box = readonly [number, number, number, number];

/** Peaks kept per joint for refinement and the samplers (spec §4.7 suggests K = 3–5). */
const MAX_PEAKS = 5;
/** A joint is "ambiguous" when its second peak reaches this fraction of the first. */
const AMBIGUOUS_RATIO = 0.5;

/** Person crops of some samples, in row order; samples without a box (and no label to make one from) are left out. */
export interface PersonCrops {
  sampleIds: number[];
  crops: PersonCrop[];
  /** N×S×S×3 RGB, pixel/256. */
  x: Float32Array;
  size: number;
}

/**
 * Decodes and crops the given samples around their person box — the stored one (imported or drawn), else the box
 * around the label's joints (`labelOf`). One image at a time: a 1280×720 photo is 3.7 MB decoded.
 */
export async function readPersonCrops(
  project: Project,
  sampleIds: readonly number[],
  size: number,
  labelOf: (sampleId: number) => readonly Joint[] | null = () => null,
  signal?: AbortSignal,
): Promise<PersonCrops> {
  const { store } = project;
  const roots = new Map(store.listDatasets().map((d) => [d.id, d.root]));
  const kept: { sampleId: number; crop: PersonCrop }[] = [];
  for (const sampleId of sampleIds) {
    const sample = store.requireSample(sampleId);
    const box = sample.box ?? labelBox(labelOf(sampleId));
    if (box) kept.push({ sampleId, crop: personCrop(box) });
  }
  const pixels = size * size * 3;
  const x = new Float32Array(kept.length * pixels);
  for (const [i, { sampleId, crop }] of kept.entries()) {
    if (signal?.aborted) throw new AppError('cancelled', 'cancelled');
    const sample = store.requireSample(sampleId);
    const image = await loadRgb(roots.get(sample.datasetId)!, sample);
    cropRgb(image.rgba, image.width, image.height, crop, size, x.subarray(i * pixels, (i + 1) * pixels));
  }
  return { sampleIds: kept.map((k) => k.sampleId), crops: kept.map((k) => k.crop), x, size };
}

function presentJoints(joints: readonly Joint[]): { u: number; v: number }[] {
  return joints.flatMap((j) =>
    j.u === null || j.v === null || j.visibility === 'absent' ? [] : [{ u: j.u, v: j.v }],
  );
}

function labelBox(joints: readonly Joint[] | null): Box | null {
  return joints ? boxAround(presentJoints(joints)) : null;
}

/** §3.5 visibility code of a joint: −1 absent, 0 occluded, 1 visible. */
function visibilityCode(joint: Joint): -1 | 0 | 1 {
  if (joint.u === null || joint.v === null || joint.visibility === 'absent') return -1;
  return joint.visibility === 'occluded' ? 0 : 1;
}

/** Labels in crop pixels: N×J×2 (row, col) and N×J visibility codes. */
function labelsInCrops(batch: PersonCrops, labelOf: (id: number) => readonly Joint[], jointCount: number) {
  const joints = new Float32Array(batch.sampleIds.length * jointCount * 2);
  const visibility = new Int8Array(batch.sampleIds.length * jointCount);
  batch.sampleIds.forEach((id, i) => {
    labelOf(id).forEach((joint, j) => {
      const code = visibilityCode(joint);
      visibility[i * jointCount + j] = code;
      if (code < 0) return;
      const { row, col } = imageToCrop(batch.crops[i]!, batch.size, joint.u!, joint.v!);
      joints.set([row, col], (i * jointCount + j) * 2);
    });
  });
  return { joints, visibility };
}

function rows<T extends Float32Array | Int8Array>(values: T, picks: readonly number[], width: number): T {
  const out = new (values.constructor as new (n: number) => T)(picks.length * width);
  picks.forEach((row, i) => out.set(values.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

function pickBatch(batch: PersonCrops, picks: readonly number[]): PersonCrops {
  return {
    sampleIds: picks.map((r) => batch.sampleIds[r]!),
    crops: picks.map((r) => batch.crops[r]!),
    x: rows(batch.x, picks, batch.size * batch.size * 3),
    size: batch.size,
  };
}

/**
 * Trains the heatmap model on the labelled set (10 % held out for model selection), evaluates PCKh on the test split
 * against the mean-pose baseline, and records the checkpoint.
 */
export async function trainHeatmapOnProject(
  project: Project,
  settings: TrainSettings,
  target: TrainTarget,
  ctx: Progress,
  [from, to]: [number, number] = [0, 1],
): Promise<TrainResult> {
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
  const preparing = subProgress(ctx, from, from + (to - from) * 0.1, 'prepare');
  preparing(0, { message: 'cropping people' });
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
  const labels = labelsInCrops(labelled, labelOf, jointCount);
  const order = Array.from(permutation(labelled.sampleIds.length, createRng(settings.seed)));
  const valCount =
    labelled.sampleIds.length >= 10 ? Math.max(1, Math.round(labelled.sampleIds.length * 0.1)) : 0;
  const part = (picks: number[]) => ({
    ...pickBatch(labelled, picks),
    joints: rows(labels.joints, picks, jointCount * 2),
    visibility: rows(labels.visibility, picks, jointCount),
  });
  const train = part(order.slice(valCount));
  const val = valCount > 0 ? part(order.slice(0, valCount)) : null;
  const asSet = (p: ReturnType<typeof part>) => ({
    x: p.x,
    count: p.sampleIds.length,
    size: p.size,
    joints: p.joints,
    visibility: p.visibility,
  });

  const training = subProgress(ctx, from + (to - from) * 0.1, from + (to - from) * 0.85, 'train');
  const outcome = await trainHeatmapModel({
    config: {
      ...config,
      epochs: settings.epochs ?? epochsForSteps(config.epochs, config.batchSize, train.sampleIds.length),
    },
    train: asSet(train),
    ...(val ? { val: asSet(val) } : {}),
    seed: settings.seed,
    checkpointDir: target.checkpointDir ?? project.modelsDir,
    signal: ctx.signal,
    onProgress: (p) =>
      training(p.fraction, {
        message: `epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`,
        etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : undefined,
        metrics: { loss: p.loss },
      }),
  });

  const evaluating = subProgress(ctx, from + (to - from) * 0.85, to, 'evaluate');
  const test = await readPersonCrops(
    project,
    target.set.test.filter(hasLabel),
    config.inputSize,
    labelOf,
    ctx.signal,
  );
  let evaluation: Evaluation | null = null;
  if (test.sampleIds.length > 0) {
    const prediction = await predictHeatmaps({
      checkpointPath: outcome.checkpointPath,
      images: { x: test.x, count: test.sampleIds.length, size: test.size },
      passes: 1,
      seed: settings.seed,
      signal: ctx.signal,
      onProgress: (p) => evaluating(p.fraction),
    });
    evaluation = evaluate(layout, test, prediction.location, labelOf, meanPoseInCrop(train, jointCount));
  }
  const metrics = {
    testPckh: evaluation?.pckh ?? null,
    meanPosePckh: evaluation?.meanPosePckh ?? null,
    trainSamplesPerSecond: outcome.samplesPerSecond,
  };
  const checkpointId = recordCheckpoint(project, target, outcome, metrics);
  return {
    backend: outcome.backend.name,
    checkpoint: outcome.checkpointPath,
    checkpointId,
    trainSamples: train.sampleIds.length,
    testSamples: test.sampleIds.length,
    testErrorMm: null,
    meanPoseErrorMm: null,
    framesWithin20Mm: null,
    framesWithin40Mm: null,
    perJointErrorMm: [],
    testPckh: metrics.testPckh,
    meanPosePckh: metrics.meanPosePckh,
    testPckhReference: evaluation?.referencePckh ?? null,
    perJointPckh: evaluation?.perJoint ?? [],
    trainSamplesPerSecond: outcome.samplesPerSecond,
    epochs: outcome.config.epochs,
    preset: outcome.config.preset,
    variant: 'A',
    model: 'hourglass',
  };
}

/** The mean labelled position of every joint in crop pixels (N×J×2 → J×2), over the samples where it is present. */
function meanPoseInCrop(
  train: { joints: Float32Array; visibility: Int8Array },
  jointCount: number,
): Float64Array {
  const sum = new Float64Array(jointCount * 2);
  const count = new Float64Array(jointCount);
  train.visibility.forEach((code, k) => {
    if (code < 0) return;
    const j = k % jointCount;
    sum[2 * j] = sum[2 * j]! + train.joints[2 * k]!;
    sum[2 * j + 1] = sum[2 * j + 1]! + train.joints[2 * k + 1]!;
    count[j] = count[j]! + 1;
  });
  return sum.map((s, c) => s / Math.max(1, count[Math.floor(c / 2)]!));
}

interface Evaluation {
  pckh: number;
  meanPosePckh: number;
  referencePckh: number;
  perJoint: number[];
}

/**
 * PCKh@0.5 in original-image pixels. The head size is the head segment ‖head_top − neck‖ (MPII's 0.6·head-box
 * diagonal stands for exactly that; our imports keep no head boxes); layouts without those joints (COCO) use the
 * LSP torso size. The reference variant (full diagonal = size / 0.6, threshold index 6 = 0.316 ≈ official 0.5) is
 * reported beside it.
 */
function evaluate(
  layout: SkeletonLayout,
  test: PersonCrops,
  locationInCrop: Float32Array,
  labelOf: (id: number) => readonly Joint[],
  meanPose: Float64Array,
): Evaluation {
  const jointCount = layout.joints.length;
  const count = test.sampleIds.length;
  const truth = new Float64Array(count * jointCount * 2);
  const predicted = new Float64Array(count * jointCount * 2);
  const baseline = new Float64Array(count * jointCount * 2);
  const visibility = new Int8Array(count * jointCount);
  test.sampleIds.forEach((id, i) => {
    const crop = test.crops[i]!;
    labelOf(id).forEach((joint, j) => {
      const at = (i * jointCount + j) * 2;
      visibility[i * jointCount + j] = visibilityCode(joint);
      truth.set([joint.v ?? 0, joint.u ?? 0], at);
      const p = cropToImage(crop, test.size, locationInCrop[at]!, locationInCrop[at + 1]!);
      predicted.set([p.v, p.u], at);
      const m = cropToImage(crop, test.size, meanPose[2 * j]!, meanPose[2 * j + 1]!);
      baseline.set([m.v, m.u], at);
    });
  });
  const hasHead = layout.joints.includes('head_top') && layout.joints.includes('neck');
  const sizes = (hasHead ? headSegmentSizes(truth, layout) : torsoSizes(truth, layout)).map((s) =>
    Math.max(s, 1),
  );
  const input = { jointCount, groundTruth: truth, visibility, normaliser: sizes };
  const result = pck({ ...input, predicted }, 0.5);
  const reference = referencePckhCurve({
    jointCount,
    groundTruth: truth,
    predicted,
    visibility,
    headBoxDiagonal: sizes.map((s) => s / MPII_HEAD_SIZE_FACTOR),
  });
  return {
    pckh: result.mean,
    meanPosePckh: pck({ ...input, predicted: baseline }, 0.5).mean,
    referencePckh: reference.mean[6]!,
    perJoint: Array.from(result.perJoint, (v) => (Number.isNaN(v) ? 0 : v)),
  };
}

/** Heatmap-model predictions of some samples (`sampleIds` in row order) and the crops they were made on. */
export interface HeatmapPredictions {
  kind: 'heatmap';
  sampleIds: number[];
  result: HeatmapPrediction & { backend: { name: string } };
  crops: PersonCrop[];
}

/** The K peaks of joint j of sample i (NaN padding dropped), as the likelihood code takes them. */
function peaksOf(prediction: HeatmapPrediction, i: number, j: number): Peak[] {
  const { maxPeaks, joints } = prediction;
  const peaks: Peak[] = [];
  for (let k = 0; k < maxPeaks; k++) {
    const at = ((i * joints + j) * maxPeaks + k) * 3;
    const row = prediction.peaks[at]!;
    if (Number.isNaN(row)) break;
    peaks.push({ row, col: prediction.peaks[at + 1]!, value: prediction.peaks[at + 2]! });
  }
  return peaks;
}

/** What the annotate view shows beside a heatmap prediction: refinement, per-link terms, ambiguous joints. */
function predictionDetails(
  tree: HumanTree,
  prediction: HeatmapPrediction,
  i: number,
  crop: PersonCrop,
): { details: Record<string, unknown>; loglik: number | null } {
  const jointCount = prediction.joints;
  const peaks = Array.from({ length: jointCount }, (_, j) => peaksOf(prediction, i, j));
  const ambiguous = peaks.flatMap((p, joint) =>
    p.length > 1 && p[0]!.value > 0 && p[1]!.value / p[0]!.value >= AMBIGUOUS_RATIO
      ? [{ joint, ratio: p[1]!.value / p[0]!.value }]
      : [],
  );
  if (!prediction.linkParams)
    return { details: { refined: peaks.map(() => null), links: [], ambiguous }, loglik: null };
  const params = prediction.linkParams.subarray(i * tree.links.length * 2, (i + 1) * tree.links.length * 2);
  const toImage = (p: GridPoint) =>
    cropToImage(
      crop,
      prediction.inputSize,
      gridToCrop(p.row, prediction.inputSize, prediction.gridSize),
      gridToCrop(p.col, prediction.inputSize, prediction.gridSize),
    );
  const refined = refinePose(tree, peaks, params);
  const changed = new Set(refined.changed);
  const top = peaks.map((p) => ({ row: p[0]!.row, col: p[0]!.col }));
  const perLink = poseLinkLogDensities(tree, top, params);
  return {
    details: {
      refined: refined.positions.map((p, j) => (changed.has(j) ? toImage(p) : null)),
      links: tree.links.map(([parent, child], k) => ({ parent, child, loglik: perLink[k]! })),
      ambiguous,
    },
    // The VL4Pose acquisition score over top peaks (the sampler's default), so the queue and the view agree.
    loglik: perLink.reduce((sum, value) => sum + value, 0),
  };
}

/** Stored prediction rows in image space: mean (u, v, 0), epistemic std (px), aleatoric variance (px²). */
function predictionRows(
  layout: SkeletonLayout,
  sampleIds: readonly number[],
  crops: readonly PersonCrop[],
  prediction: HeatmapPrediction,
): PredictionRow[] {
  const tree = humanTree(layout);
  const jointCount = prediction.joints;
  return sampleIds.map((sampleId, i) => {
    const crop = crops[i]!;
    const pxPerCrop = crop.side / prediction.inputSize;
    const pxPerGrid = pxPerCrop * gridToCrop(1, prediction.inputSize, prediction.gridSize);
    const mean = new Float32Array(jointCount * 3);
    const std = new Float32Array(jointCount * 3);
    const aleatoric = prediction.aleatoricLogVar ? new Float32Array(jointCount * 3) : null;
    for (let j = 0; j < jointCount; j++) {
      const at = (i * jointCount + j) * 2;
      const { u, v } = cropToImage(
        crop,
        prediction.inputSize,
        prediction.location[at]!,
        prediction.location[at + 1]!,
      );
      mean.set([u, v, 0], j * 3);
      std.set(
        [prediction.locationStd[at + 1]! * pxPerCrop, prediction.locationStd[at]! * pxPerCrop, 0],
        j * 3,
      );
      if (aleatoric) {
        // The aleatoric head models the squared 2-D argmax error (grid px², §5.2): half of it per axis.
        const perAxis = (Math.exp(prediction.aleatoricLogVar![i * jointCount + j]!) / 2) * pxPerGrid ** 2;
        aleatoric.set([perAxis, perAxis, 0], j * 3);
      }
    }
    const { details, loglik } = predictionDetails(tree, prediction, i, crop);
    return { sampleId, mean, std, aleatoric, loglik, details };
  });
}

/** MC-dropout heatmap inference on samples with a person box; persists per-sample predictions and details. */
export async function predictHeatmapSamples(
  project: Project,
  checkpoint: { id: number; path: string },
  sampleIds: readonly number[],
  options: { passes: number; seed: number; roundId: number | null; persist: boolean },
  ctx: Progress,
  [from, to]: [number, number] = [0, 1],
): Promise<HeatmapPredictions> {
  const checkpointPath = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(checkpointPath);
  if (meta.model !== 'hourglass')
    throw new AppError(
      'invalid_input',
      `${checkpoint.path} is not a heatmap model; train this project first`,
    );
  const cropping = subProgress(ctx, from, from + (to - from) * 0.2, 'prepare');
  cropping(0, { message: `cropping ${sampleIds.length} images` });
  const batch = await readPersonCrops(project, sampleIds, meta.config.inputSize, undefined, ctx.signal);
  const step = subProgress(ctx, from + (to - from) * 0.2, to, 'infer');
  const result = await predictHeatmaps({
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
  });
  if (options.persist) {
    project.store.predictions.put(
      options.roundId,
      checkpoint.id,
      options.passes,
      predictionRows(project.skeleton, batch.sampleIds, batch.crops, result),
    );
  }
  return { kind: 'heatmap', sampleIds: batch.sampleIds, result, crops: batch.crops };
}

/** Runs a heatmap sampler on the candidates' prediction summaries; the labelled set's embeddings are CoreSet centres. */
export function rankHeatmapPredictions(
  project: Project,
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
