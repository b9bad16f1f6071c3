import type { ZeroShotResult } from '@shared/contract';
import { AppError } from '@shared/errors';
import { normaliseUvd } from '../../datasets';
import { meanJointErrorMm } from '../../learner';
import type { LoopContext, LoopProject } from '../context';
import { DEPTH_PIPELINE, type DepthPredictions } from '../depth/pipeline';
import { jointsToUvd, selectRows } from '../depth/geometry';
import { shippedDepthModel } from './shipped-depth';

/** MC-dropout passes of a zero-shot suggestion: enough for a stable σ ring, cheap on one image. */
const ZERO_SHOT_PASSES = 20;

/** Mean 3-D joint error (mm) of the predictions on the given samples that carry every joint, and how many did. */
function labelledErrorMm(
  predictions: DepthPredictions,
  labelOf: (id: number) => ReturnType<LoopProject['store']['annotations']['labelOf']>,
  ids: ReadonlySet<number>,
): { errorMm: number | null; count: number } {
  const { sampleIds, result, batch } = predictions;
  const outputs = result.mean.length / Math.max(1, sampleIds.length);
  const rows: number[] = [];
  const truths: Float64Array[] = [];
  sampleIds.forEach((id, i) => {
    const joints = ids.has(id) ? labelOf(id) : null;
    const uvd = joints && jointsToUvd(joints);
    if (uvd) {
      rows.push(i);
      truths.push(normaliseUvd(uvd, batch.frames[i]!, batch.geometry.cube[i]!));
    }
  });
  if (rows.length === 0) return { errorMm: null, count: 0 };
  const predicted = selectRows(
    { x: new Float32Array(0), y: result.mean, geometry: batch.geometry },
    rows,
    0,
    outputs,
  );
  const truth = new Float32Array(rows.length * outputs);
  truths.forEach((uvd, i) => truth.set(uvd, i * outputs));
  return {
    errorMm: meanJointErrorMm(predicted.y, truth, predicted.geometry, rows.length),
    count: rows.length,
  };
}

/**
 * Zero-shot suggestions for depth samples from the shipped pretrained hand model (`poseloop pretrain`): MC-dropout
 * predictions stored under the model's pretrained checkpoint row, so they show with provenance "pretrained" before
 * the project has a model of its own, and the mean joint error wherever labels exist (all, and the test split alone,
 * which decides between these suggestions and the project's own model).
 */
export async function zeroShotDepth(
  project: LoopProject,
  request: { sampleIds: readonly number[]; seed?: number },
  ctx: LoopContext,
): Promise<ZeroShotResult> {
  const started = performance.now();
  const shipped = await shippedDepthModel();
  if (!shipped)
    throw new AppError(
      'unsupported',
      'this copy of PoseLoop ships no pretrained hand model (resources/models/); make one with "npm run pretrain"',
    );
  const { manifest, dir } = shipped;
  if (project.skeleton.id !== manifest.skeleton)
    throw new AppError(
      'unsupported',
      `the shipped hand model predicts ${manifest.skeleton} joints; this project's skeleton is ${project.skeleton.id}`,
      'project',
    );
  const weights = manifest.files.find((file) => file.name === 'weights.bin')?.sha256 ?? null;
  const checkpoint = project.store.checkpoints.pretrained(
    manifest.name,
    {
      model: 'deepprior',
      name: manifest.name,
      label: manifest.label,
      sha256: weights,
      command: manifest.command,
    },
    manifest.training.backend,
  );
  // The first use also scores the labelled test split: that figure decides between these suggestions and the
  // project's own model.
  const scored = typeof checkpoint.metrics['testErrorMm'] === 'number';
  const sampleIds = scored
    ? request.sampleIds
    : [...new Set([...request.sampleIds, ...project.store.sampleIds('test')])];
  const predictions = (await DEPTH_PIPELINE.predict(
    project,
    { id: checkpoint.id, path: dir },
    sampleIds,
    { passes: ZERO_SHOT_PASSES, seed: request.seed ?? 1, roundId: null, persist: true },
    ctx,
  )) as DepthPredictions;
  const labelOf = (id: number) => project.store.annotations.labelOf(id, 'include');
  const all = labelledErrorMm(predictions, labelOf, new Set(request.sampleIds));
  const test = labelledErrorMm(predictions, labelOf, new Set(project.store.sampleIds('test')));
  if (test.errorMm !== null)
    project.store.checkpoints.setMetrics(checkpoint.id, { ...checkpoint.metrics, testErrorMm: test.errorMm });
  const requested = new Set(request.sampleIds);
  const stored = project.store.checkpoints.get(checkpoint.id)?.metrics['testErrorMm'];
  return {
    modality: 'depth',
    predicted: predictions.sampleIds.filter((id) => requested.has(id)).length,
    skipped: request.sampleIds.length - predictions.sampleIds.filter((id) => requested.has(id)).length,
    model: manifest.label,
    backend: predictions.result.backend.name,
    evaluated: all.count,
    errorMm: all.errorMm,
    testErrorMm: typeof stored === 'number' ? stored : null,
    seconds: (performance.now() - started) / 1000,
  };
}
