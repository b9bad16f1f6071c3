import type { Joint } from '@shared/domain';
import { pck, pckIgnoringSides, pckSizes } from '@shared/pose2d';
import { mirrorPairs, type SkeletonLayout } from '@shared/skeletons';
import { visibilityCode } from '../rgb/geometry';

/**
 * PCKh@0.5 of image-space predictions against labels: the head size is ‖head_top − neck‖ (other layouts: see
 * pckSizes), absent labelled joints are skipped, and a joint the model left out (null) counts as a
 * miss — never as absent. Null PCKh without any labelled joint. `pckhIgnoringSides` also counts a joint found on its
 * mirror partner (see pckIgnoringSides).
 */
export function pckhInImage(
  layout: SkeletonLayout,
  entries: readonly { joints: readonly Joint[]; predicted: readonly ({ u: number; v: number } | null)[] }[],
): { pckh: number | null; pckhIgnoringSides: number | null; perJoint: (number | null)[] } {
  const jointCount = layout.joints.length;
  if (entries.length === 0)
    return { pckh: null, pckhIgnoringSides: null, perJoint: layout.joints.map(() => null) };
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
  const sizes = pckSizes(truth, visibility, layout);
  const input = { jointCount, groundTruth: truth, predicted, visibility, normaliser: sizes };
  const result = pck(input, 0.5);
  const ignoringSides = pckIgnoringSides(input, 0.5, mirrorPairs(layout)).mean;
  return {
    pckh: Number.isNaN(result.mean) ? null : result.mean,
    pckhIgnoringSides: Number.isNaN(ignoringSides) ? null : ignoringSides,
    perJoint: Array.from(result.perJoint, (v) => (Number.isNaN(v) ? null : v)),
  };
}
