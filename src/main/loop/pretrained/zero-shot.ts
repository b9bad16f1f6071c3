import type { ZeroShotResult } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { mapCocoKeypoints } from '@shared/pose2d';
import { cropToImage } from '../../datasets';
import { MOVENET_MODELS, MOVENET_PACKAGE, predictPretrainedPose, type MovenetName } from '../../learner';
import { subProgress, type LoopContext, type LoopProject } from '../context';
import { pointPredictionRow } from '../common/point-rows';
import { readPersonCrops } from '../rgb/crops';
import { pckhInImage } from './pckh';

/**
 * Keypoint inputs below this MoveNet score do not feed a derived joint (neck, head top…): the detector's own
 * "not found" level. Copied keypoints keep whatever score they have.
 */
export const DERIVE_MIN_SCORE = 0.2;

export interface ZeroShotRequest {
  sampleIds: readonly number[];
  model: MovenetName;
}

/**
 * Zero-shot suggestions for RGB samples from the shipped pretrained model: crop each person box, run the model in a
 * worker, map its COCO keypoints onto the project's layout (derived joints flagged, unknown ones left out), store the
 * rows under the model's pretrained checkpoint, and score PCKh@0.5 wherever labels exist (all, and the test split
 * alone, which is what decides between these suggestions and the project's own model).
 */
export async function zeroShotRgb(
  project: LoopProject,
  request: ZeroShotRequest,
  ctx: LoopContext,
): Promise<ZeroShotResult> {
  if (project.skeleton.kind !== 'human')
    throw new AppError(
      'unsupported',
      project.modality === 'rgb'
        ? `the pretrained human-pose model suggests people; this project's skeleton is ${project.skeleton.name}`
        : 'the pretrained human-pose model suggests people (RGB projects); this is a depth-hand project',
      'project',
    );
  const started = performance.now();
  const { inputSize, label, file } = MOVENET_MODELS[request.model];
  const labelOf = (id: number): readonly Joint[] | null => project.store.annotations.get(id)?.joints ?? null;
  subProgress(ctx, 0, 0.2, 'prepare')(0, { message: `cropping ${request.sampleIds.length} images` });
  const batch = await readPersonCrops(project, request.sampleIds, inputSize, labelOf, ctx.signal);
  if (batch.sampleIds.length === 0)
    return {
      modality: 'rgb',
      predicted: 0,
      skipped: request.sampleIds.length,
      model: label,
      backend: 'none',
      evaluated: 0,
      pckh: null,
      perJointPckh: project.skeleton.joints.map(() => null),
      testPckh: null,
      testPckhIgnoringSides: null,
      derivedJoints: [],
      seconds: (performance.now() - started) / 1000,
    };
  const infer = subProgress(ctx, 0.2, 0.95, 'infer');
  const result = await predictPretrainedPose(
    { x: batch.x, count: batch.sampleIds.length, size: inputSize },
    {
      model: request.model,
      signal: ctx.signal,
      onProgress: (done) => infer(done / Math.max(1, batch.sampleIds.length), { message: `${done} images` }),
    },
  );
  const layout = project.skeleton;
  const mapped = batch.sampleIds.map((_, i) => {
    const keypoints = Array.from({ length: 17 }, (__, k) => {
      const at = (i * 17 + k) * 3;
      const point = cropToImage(batch.crops[i]!, inputSize, result.keypoints[at + 1]!, result.keypoints[at]!);
      return { ...point, score: result.keypoints[at + 2]! };
    });
    return mapCocoKeypoints(keypoints, layout, DERIVE_MIN_SCORE);
  });
  const checkpoint = project.store.checkpoints.pretrained(
    file,
    { model: 'movenet', name: request.model, label, package: MOVENET_PACKAGE },
    result.backend,
  );
  project.store.predictions.put(
    null,
    checkpoint.id,
    1,
    batch.sampleIds.map((sampleId, i) => pointPredictionRow(sampleId, mapped[i]!)),
  );

  const labelled = batch.sampleIds.flatMap((id, i) => {
    const joints = labelOf(id);
    return joints ? [{ id, joints, predicted: mapped[i]! }] : [];
  });
  const all = pckhInImage(layout, labelled);
  const testIds = new Set(project.store.sampleIds('test'));
  const test = pckhInImage(
    layout,
    labelled.filter((entry) => testIds.has(entry.id)),
  );
  if (test.pckh !== null)
    project.store.checkpoints.setMetrics(checkpoint.id, { ...checkpoint.metrics, testPckh: test.pckh });
  return {
    modality: 'rgb',
    predicted: batch.sampleIds.length,
    skipped: request.sampleIds.length - batch.sampleIds.length,
    model: label,
    backend: result.backend,
    evaluated: labelled.length,
    pckh: all.pckh,
    perJointPckh: all.perJoint,
    testPckh: test.pckh ?? testPckhOf(checkpoint.metrics) ?? null,
    testPckhIgnoringSides: test.pckhIgnoringSides,
    derivedJoints: layout.joints.filter((_, j) => mapped.some((joints) => joints[j]?.derived)),
    seconds: (performance.now() - started) / 1000,
  };
}

const testPckhOf = (metrics: Record<string, unknown>): number | null =>
  typeof metrics['testPckh'] === 'number' ? metrics['testPckh'] : null;
