import { uvdDistanceMm } from '@shared/camera';
import type { ZeroShotResult } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { getSkeleton, jointIndexMap } from '@shared/skeletons';
import type { PredictionRow } from '../../store';
import { fitUncertaintyScale, storedScales, withScales, type UncertaintyScales } from '../calibration';
import { ringSigmas } from '../common/prediction-view';
import type { LoopContext, LoopProject } from '../context';
import { DEPTH_PIPELINE, imageSpaceRows, type DepthPredictions } from '../depth/pipeline';
import { shippedModel, shippedRow } from './shipped';

/** MC-dropout passes of a zero-shot suggestion: enough for a stable σ ring, cheap on one image. */
const ZERO_SHOT_PASSES = 20;

/**
 * A row in the model's layout re-expressed in the project's: each project joint takes its canonical counterpart's
 * values, and a joint the model does not predict (NYU's palm points, say) is left unpredicted (NaN), never invented.
 */
function mapRow(row: PredictionRow, sources: readonly (number | null)[]): PredictionRow {
  const pick = (values: Float32Array | null) => {
    if (!values) return null;
    const out = new Float32Array(sources.length * 3).fill(Number.NaN);
    sources.forEach((source, j) => {
      if (source !== null) out.set(values.subarray(source * 3, source * 3 + 3), j * 3);
    });
    return out;
  };
  const unpredicted = sources.flatMap((source, j) => (source === null ? [j] : []));
  return {
    ...row,
    mean: pick(row.mean)!,
    std: pick(row.std)!.map((value) => (Number.isNaN(value) ? 0 : value)),
    aleatoric: pick(row.aleatoric),
    ...(unpredicted.length > 0 ? { details: { source: { derived: [], unpredicted } } } : {}),
  };
}

/** Mean 3-D error (mm) over the joints both the suggestion and the label place, and how many samples had any. */
function errorMm(
  rows: readonly PredictionRow[],
  predictions: DepthPredictions,
  labelOf: (id: number) => readonly Joint[] | null,
  ids: ReadonlySet<number>,
): { errorMm: number | null; count: number } {
  let sum = 0;
  let joints = 0;
  let samples = 0;
  rows.forEach((row, i) => {
    const label = ids.has(row.sampleId) ? labelOf(row.sampleId) : null;
    if (!label) return;
    const at = predictions.batch.geometry.intrinsics.subarray(i * 4, i * 4 + 4);
    const camera = { fx: at[0]!, fy: at[1]!, cx: at[2]!, cy: at[3]! };
    let counted = false;
    label.forEach((joint, j) => {
      if (joint.u === null || joint.v === null || joint.d === null || joint.visibility === 'absent') return;
      const error = uvdDistanceMm(camera, row.mean.subarray(j * 3, j * 3 + 3), [joint.u, joint.v, joint.d]);
      if (!Number.isFinite(error)) return;
      sum += error;
      joints++;
      counted = true;
    });
    if (counted) samples++;
  });
  return { errorMm: joints > 0 ? sum / joints : null, count: samples };
}

/**
 * σ scales of the shipped model fitted on this project's labelled rows (error ÷ ring σ in image px, as the
 * annotate view draws them): 1 (the model's own σ) where there are none.
 */
function fitScales(
  rows: readonly PredictionRow[],
  labelOf: (id: number) => readonly Joint[] | null,
  ids: ReadonlySet<number>,
): UncertaintyScales {
  const sigma: number[] = [];
  const aleatoric: number[] = [];
  for (const row of rows) {
    const label = ids.has(row.sampleId) ? labelOf(row.sampleId) : null;
    label?.forEach((joint, j) => {
      if (joint.u === null || joint.v === null || joint.visibility === 'absent') return;
      const error = Math.hypot(row.mean[j * 3]! - joint.u, row.mean[j * 3 + 1]! - joint.v);
      if (!Number.isFinite(error)) return;
      const rings = ringSigmas(row, j);
      sigma.push(error / rings.stdPx);
      if (rings.aleatoricPx !== null) aleatoric.push(error / rings.aleatoricPx);
    });
  }
  return { sigma: fitUncertaintyScale(sigma), aleatoric: fitUncertaintyScale(aleatoric) };
}

/**
 * Zero-shot suggestions for depth samples from the shipped pretrained hand model (`poseloop pretrain`): MC-dropout
 * predictions mapped onto the project's hand layout through the canonical hand and stored under the model's
 * pretrained checkpoint row, so they show with provenance "pretrained" before the project has a model of its own;
 * the mean joint error wherever labels exist (all, and the test split alone, which decides between these
 * suggestions and the project's own model).
 */
export async function zeroShotDepth(
  project: LoopProject,
  request: { sampleIds: readonly number[]; seed?: number },
  ctx: LoopContext,
): Promise<ZeroShotResult> {
  const started = performance.now();
  const shipped = await shippedModel('depth');
  if (!shipped)
    throw new AppError(
      'unsupported',
      'this copy of PoseLoop ships no pretrained hand model (resources/models/); make one with "npm run pretrain"',
    );
  const { manifest, dir } = shipped;
  const layout = project.skeleton;
  const sources = layout.toCanonical ? jointIndexMap(getSkeleton(manifest.skeleton), layout) : [];
  if (!sources.some((source) => source !== null))
    throw new AppError(
      'unsupported',
      `the shipped hand model predicts ${manifest.skeleton} joints; this project's skeleton ${layout.id} shares none of them`,
      'project',
    );
  const checkpoint = shippedRow(project, shipped);
  // The first use also scores the labelled test split (that figure decides between these suggestions and the
  // project's own model) and calibrates σ on the labelled training split, which the model never saw.
  const scored = typeof checkpoint.metrics['testErrorMm'] === 'number';
  const sampleIds = scored
    ? request.sampleIds
    : [
        ...new Set([
          ...request.sampleIds,
          ...project.store.sampleIds('test'),
          ...project.store.sampleIds('train'),
        ]),
      ];
  const predictions = (await DEPTH_PIPELINE.predict(
    project,
    { id: checkpoint.id, path: dir },
    sampleIds,
    { passes: ZERO_SHOT_PASSES, seed: request.seed ?? 1, roundId: null, persist: false },
    ctx,
    [0, 1],
  )) as DepthPredictions;
  const cubeMm = predictions.batch.geometry.cube[0] ?? 0;
  const outputs = predictions.result.mean.length / Math.max(1, predictions.sampleIds.length);
  const raw = imageSpaceRows(predictions.result, predictions.batch, outputs, cubeMm, storedScales({})).map(
    (row) => mapRow(row, sources),
  );
  const labelOf = (id: number) => project.store.annotations.labelOf(id, 'include');
  const scales = scored
    ? storedScales(checkpoint.metrics)
    : fitScales(raw, labelOf, new Set(project.store.sampleIds('train')));
  const rows = raw.map((row) => withScales(row, scales));
  project.store.predictions.put(null, checkpoint.id, ZERO_SHOT_PASSES, rows);

  const requested = new Set(request.sampleIds);
  const all = errorMm(rows, predictions, labelOf, requested);
  const test = errorMm(rows, predictions, labelOf, new Set(project.store.sampleIds('test')));
  if (!scored)
    project.store.checkpoints.setMetrics(checkpoint.id, {
      ...checkpoint.metrics,
      testErrorMm: test.errorMm,
      sigmaScale: scales.sigma,
      aleatoricScale: scales.aleatoric,
    });
  const stored = project.store.checkpoints.get(checkpoint.id)?.metrics['testErrorMm'];
  const predicted = predictions.sampleIds.filter((id) => requested.has(id)).length;
  return {
    modality: 'depth',
    predicted,
    skipped: request.sampleIds.length - predicted,
    model: manifest.label,
    backend: predictions.result.backend.name,
    evaluated: all.count,
    errorMm: all.errorMm,
    testErrorMm: typeof stored === 'number' ? stored : null,
    unpredictedJoints: layout.joints.filter((_, j) => sources[j] === null),
    seconds: (performance.now() - started) / 1000,
  };
}
