import { resolve } from 'node:path';
import type { LabelQcReport } from '@shared/contract';
import type { Joint } from '@shared/domain';
import { AppError } from '@shared/errors';
import { labelQc, type LabelFlag } from '@shared/pose2d';
import { cropToGrid } from '@shared/pose2d/targets';
import { imageToCrop } from '../../datasets';
import { createHeatmapLearner, loadCheckpointMeta } from '../../learner';
import type { LoopContext, LoopProject } from '../context';
import { readPersonCrops } from './crops';
import { visibilityCode } from './geometry';

function toContractFlag(flag: LabelFlag): LabelQcReport['flagged'][number]['flags'][number] {
  return flag.kind === 'unlikely-link'
    ? { kind: flag.kind, joints: [flag.parent, flag.child], value: flag.loglik, sentence: flag.sentence }
    : { kind: flag.kind, joints: flag.pairs.flat(), value: flag.loglikGain, sentence: flag.sentence };
}

/**
 * Label QC (issue: VL4Pose likelihood reused on human labels): the latest heatmap model predicts the per-link length
 * model (μ, s) of every labelled image; each label is scored under it and checked for left/right swaps against the
 * model's own top peaks. Nothing is changed: the report lists what deserves a second look before export.
 */
export async function checkLabels(
  project: LoopProject,
  input: { split: 'train' | 'test' | 'all'; threshold: number },
  ctx: LoopContext,
): Promise<LabelQcReport> {
  if (project.modality !== 'rgb')
    throw new AppError('unsupported', 'label QC scores human poses: this is a depth-hand project', 'project');
  const checkpoint = project.store.checkpoints.latest();
  if (!checkpoint)
    throw new AppError('invalid_input', 'no trained model yet: run a round or "poseloop train" first');
  const checkpointPath = resolve(project.modelsDir, checkpoint.path);
  const meta = await loadCheckpointMeta(checkpointPath);
  if (meta.model !== 'hourglass')
    throw new AppError('invalid_input', 'the latest model is not a heatmap model');
  const { store } = project;
  const splits = input.split === 'all' ? (['train', 'test'] as const) : [input.split];
  const labelOf = (id: number): readonly Joint[] | null => store.annotations.get(id)?.joints ?? null;
  const ids = splits.flatMap((split) => store.sampleIds(split)).filter((id) => labelOf(id) !== null);
  ctx.progress({ fraction: 0, stage: 'prepare', message: `cropping ${ids.length} labelled images` });
  const { inputSize, gridSize } = meta.config;
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
  if (!prediction.linkParams) throw new AppError('invalid_input', 'the latest model has no VL4Pose head');
  const layout = project.skeleton;
  const jointCount = layout.joints.length;
  const linkValues = layout.edges.length * 2;
  const toGrid = (value: number) => cropToGrid(value, inputSize, gridSize);
  const flagged = batch.sampleIds.flatMap((sampleId, i) => {
    const joints = labelOf(sampleId)!;
    const positions = joints.map((joint) => {
      if (joint.u === null || joint.v === null) return { row: 0, col: 0 };
      const { row, col } = imageToCrop(batch.crops[i]!, inputSize, joint.u, joint.v);
      return { row: toGrid(row), col: toGrid(col) };
    });
    const visibility = joints.map(visibilityCode);
    const predicted = Array.from({ length: jointCount }, (_, j) => {
      const at = (i * jointCount + j) * prediction.maxPeaks * 3;
      return { row: prediction.peaks[at]!, col: prediction.peaks[at + 1]! };
    });
    const report = labelQc(
      {
        layout,
        positions,
        visibility,
        linkParams: prediction.linkParams!.subarray(i * linkValues, (i + 1) * linkValues),
        prediction: predicted,
      },
      { unlikelyBelow: input.threshold },
    );
    return report.flags.length > 0
      ? [{ sampleId, loglik: report.total, flags: report.flags.map(toContractFlag) }]
      : [];
  });
  flagged.sort((a, b) => a.loglik - b.loglik || a.sampleId - b.sampleId);
  return {
    checkpointId: checkpoint.id,
    checked: batch.sampleIds.length,
    skipped: ids.length - batch.sampleIds.length,
    flagged,
  };
}
