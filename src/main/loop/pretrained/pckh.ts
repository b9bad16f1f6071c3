import type { Joint } from '@shared/domain';
import { pck, pckhSizes } from '@shared/pose2d';
import type { SkeletonLayout } from '@shared/skeletons';
import { visibilityCode } from '../rgb/geometry';

/**
 * PCKh@0.5 of image-space predictions against labels: the head size is ‖head_top − neck‖ (layouts without those
 * joints use the LSP torso), absent labelled joints are skipped, and a joint the model left out (null) counts as a
 * miss — never as absent. Null PCKh without any labelled joint.
 */
export function pckhInImage(
  layout: SkeletonLayout,
  entries: readonly { joints: readonly Joint[]; predicted: readonly ({ u: number; v: number } | null)[] }[],
): { pckh: number | null; perJoint: (number | null)[] } {
  const jointCount = layout.joints.length;
  if (entries.length === 0) return { pckh: null, perJoint: layout.joints.map(() => null) };
  const truth = new Float64Array(entries.length * jointCount * 2);
  const predicted = new Float64Array(entries.length * jointCount * 2);
  const visibility = new Int8Array(entries.length * jointCount);
  entries.forEach(({ joints, predicted: guess }, i) => {
    joints.forEach((joint, j) => {
      const at = (i * jointCount + j) * 2;
      visibility[i * jointCount + j] = visibilityCode(joint);
      truth.set([joint.v ?? 0, joint.u ?? 0], at);
      const point = guess[j];
      predicted.set(point ? [point.v, point.u] : [Infinity, Infinity], at);
    });
  });
  const sizes = pckhSizes(truth, layout);
  const result = pck({ jointCount, groundTruth: truth, predicted, visibility, normaliser: sizes }, 0.5);
  return {
    pckh: Number.isNaN(result.mean) ? null : result.mean,
    perJoint: Array.from(result.perJoint, (v) => (Number.isNaN(v) ? null : v)),
  };
}
