import type { Joint } from '@shared/domain';
import { MPII_HEAD_SIZE_FACTOR, pck, pckIgnoringSides, pckSizes, referencePckhCurve } from '@shared/pose2d';
import { mirrorPairs, type SkeletonLayout } from '@shared/skeletons';
import { cropToImage, type PersonCrop } from '../../datasets';
import { visibilityCode } from './geometry';

/** The heatmap model's test-split report (PCKh@0.5), against the mean-pose baseline. */
export interface HeatmapEvaluation {
  pckh: number;
  meanPosePckh: number;
  referencePckh: number;
  /** PCKh@0.5 where a joint found on its mirror partner (the other wrist) counts: what left/right confusion costs. */
  pckhIgnoringSides: number;
  /** Per joint; 0 for a joint never visible in the test split. */
  perJoint: number[];
}

/**
 * PCKh@0.5 in original-image pixels. The head size is the head segment ‖head_top − neck‖ (MPII's 0.6·head-box
 * diagonal stands for exactly that; our imports keep no head boxes); layouts without those joints use the LSP
 * torso (COCO) or the pose box (custom skeletons; see pckSizes). The reference variant (full diagonal = size / 0.6,
 * threshold index 6 = 0.316 ≈ official 0.5) is reported beside it. `locationInCrop` is N×J×2 (row, col) in crop pixels; `meanPose` J×2 in crop pixels.
 */
export function evaluateHeatmaps(
  layout: SkeletonLayout,
  labels: readonly (readonly Joint[])[],
  crops: readonly PersonCrop[],
  size: number,
  locationInCrop: Float32Array,
  meanPose: Float64Array,
): HeatmapEvaluation {
  const jointCount = layout.joints.length;
  const count = labels.length;
  const truth = new Float64Array(count * jointCount * 2);
  const predicted = new Float64Array(count * jointCount * 2);
  const baseline = new Float64Array(count * jointCount * 2);
  const visibility = new Int8Array(count * jointCount);
  labels.forEach((label, i) => {
    const crop = crops[i]!;
    label.forEach((joint, j) => {
      const at = (i * jointCount + j) * 2;
      visibility[i * jointCount + j] = visibilityCode(joint);
      truth.set([joint.v ?? 0, joint.u ?? 0], at);
      const p = cropToImage(crop, size, locationInCrop[at]!, locationInCrop[at + 1]!);
      predicted.set([p.v, p.u], at);
      const m = cropToImage(crop, size, meanPose[2 * j]!, meanPose[2 * j + 1]!);
      baseline.set([m.v, m.u], at);
    });
  });
  const sizes = pckSizes(truth, visibility, layout);
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
    pckhIgnoringSides: pckIgnoringSides({ ...input, predicted }, 0.5, mirrorPairs(layout)).mean,
    perJoint: Array.from(result.perJoint, (v) => (Number.isNaN(v) ? 0 : v)),
  };
}
