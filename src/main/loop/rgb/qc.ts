import { resolve } from 'node:path';
import type { LabelQcFlag, LabelQcReport } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { humanTree, labelQcSet, linkName, type GridPoint, type LabelFlag } from '@shared/pose2d';
import { cropToImage } from '../../datasets';
import { createHeatmapLearner, loadCheckpointMeta } from '../../learner';
import type { LoopContext, LoopProject } from '../context';
import { readPersonCrops } from './crops';
import { visibilityCode } from './geometry';

function toContractFlag(flag: LabelFlag): LabelQcFlag {
  return flag.kind === 'unlikely-link'
    ? {
        kind: flag.kind,
        joints: [flag.parent, flag.child],
        value: flag.z,
        lengthPx: flag.lengthPx,
        expectedPx: flag.expectedPx,
        limitPx: flag.limitPx,
        sentence: flag.sentence,
      }
    : { kind: flag.kind, joints: flag.pairs.flat(), value: flag.zDrop, sentence: flag.sentence };
}

/** Image position (row = v, col = u) of a joint; absent joints get a placeholder that visibility marks unused. */
const imagePoint = (joint: Joint): GridPoint => ({ row: joint.v ?? 0, col: joint.u ?? 0 });

/**
 * The latest heatmap model's prediction for the labelled samples it can crop (a person box), in image px, keyed by
 * sample; an empty map without such a model. A checkpoint that cannot be read is an error, not a silent skip.
 */
async function predictedPoses(
  project: LoopProject,
  ids: readonly number[],
  labelOf: (id: number) => readonly Joint[] | null,
  ctx: LoopContext,
): Promise<{ checkpointId: number | null; poses: Map<number, GridPoint[]> }> {
  const checkpoint = project.store.checkpoints.latest();
  if (!checkpoint) return { checkpointId: null, poses: new Map() };
  const checkpointPath = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(checkpointPath);
  if (meta.model !== 'hourglass')
    throw new AppError('invalid_input', 'the latest model is not a heatmap model');
  ctx.progress({ fraction: 0, stage: 'prepare', message: `cropping ${ids.length} labelled images` });
  const { inputSize } = meta.config;
  const batch = await readPersonCrops(project, ids, inputSize, labelOf, ctx.signal);
  const learner = createHeatmapLearner();
  const prediction = await learner
    .predictMc({
      checkpointPath,
      images: { x: batch.x, count: batch.sampleIds.length, size: inputSize },
      passes: 1,
      seed: 0,
      peaks: { maxPeaks: 1 },
      signal: ctx.signal,
      onProgress: (p) => ctx.progress({ fraction: p.fraction, stage: 'score' }),
    })
    .finally(() => learner.dispose());
  const jointCount = project.skeleton.joints.length;
  const poses = new Map(
    batch.sampleIds.map((sampleId, i) => [
      sampleId,
      Array.from({ length: jointCount }, (_, j): GridPoint => {
        const at = 2 * (i * jointCount + j);
        const { u, v } = cropToImage(
          batch.crops[i]!,
          inputSize,
          prediction.location[at]!,
          prediction.location[at + 1]!,
        );
        return { row: v, col: u };
      }),
    ]),
  );
  return { checkpointId: checkpoint.id, poses };
}

/**
 * Label QC: every human label's limb proportions checked against the other labels, and left/right swaps against
 * the proportions and (where it has earned trust) the latest heatmap model's prediction; see `labelQcSet` for the
 * rules. Lengths are image px. Nothing is changed: the report lists what deserves a second look before export.
 */
export async function checkLabels(
  project: LoopProject,
  input: { split: 'train' | 'test' | 'all'; falseAlarm: number },
  ctx: LoopContext,
): Promise<LabelQcReport> {
  if (project.modality !== 'rgb')
    throw new AppError('unsupported', 'label QC checks human poses: this is a depth-hand project', 'project');
  const { store } = project;
  const splits = input.split === 'all' ? (['train', 'test'] as const) : [input.split];
  const labelOf = (id: number): readonly Joint[] | null => store.annotations.get(id)?.joints ?? null;
  const ids = splits.flatMap((split) => store.sampleIds(split)).filter((id) => labelOf(id) !== null);
  const { checkpointId, poses } = await predictedPoses(project, ids, labelOf, ctx);
  const layout = project.skeleton;
  const report = labelQcSet(
    layout,
    ids.map((id) => {
      const joints = labelOf(id)!;
      const prediction = poses.get(id);
      return {
        positions: joints.map(imagePoint),
        visibility: joints.map(visibilityCode),
        ...(prediction ? { prediction } : {}),
      };
    }),
    { falseAlarm: input.falseAlarm },
  );
  const tree = humanTree(layout);
  const flagged = report.results.flatMap(({ worstZ, flags }, i) =>
    flags.length > 0 ? [{ sampleId: ids[i]!, worstZ, flags: flags.map(toContractFlag) }] : [],
  );
  flagged.sort((a, b) => b.worstZ - a.worstZ || a.sampleId - b.sampleId);
  return {
    checkpointId,
    checked: ids.length,
    withoutPrediction: ids.length - poses.size,
    falseAlarm: input.falseAlarm,
    calibration: report.calibration.map((c, k) => ({ link: linkName(tree, k), ...c })),
    limitZ: report.limitZ,
    swapZ: report.swapZ,
    predictionSwaps: report.predictionSwaps,
    flagged,
  };
}
