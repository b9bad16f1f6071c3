import { describe, expect, it } from 'vitest';
import { pck, pckIgnoringSides, pckSizeRule, pckSizes } from '@shared/pose2d';
import { COCO17, LSP14, jointIndex, type SkeletonLayout } from '@shared/skeletons';

const mouse: SkeletonLayout = {
  ...LSP14,
  id: 'mouse',
  joints: ['snout', 'left_ear', 'right_ear', 'tailbase'],
};

/** One pose of `layout` with the given (row, col) per named joint, all others at the origin and absent. */
function pose(layout: SkeletonLayout, points: Record<string, [number, number]>) {
  const truth = new Array<number>(layout.joints.length * 2).fill(0);
  const visibility = new Array<number>(layout.joints.length).fill(0);
  for (const [name, [row, col]] of Object.entries(points)) {
    const j = jointIndex(layout, name);
    truth.splice(2 * j, 2, row, col);
    visibility[j] = 2;
  }
  return { truth, visibility };
}

describe('pckSizes', () => {
  it('picks the head segment, else the LSP torso, else the pose box', () => {
    expect([LSP14, COCO17, mouse].map(pckSizeRule)).toEqual(['head', 'torso', 'box']);
    const lsp = pose(LSP14, { head_top: [0, 5], neck: [8, 5] });
    expect(Array.from(pckSizes(lsp.truth, lsp.visibility, LSP14))).toEqual([8]);
    const coco = pose(COCO17, { l_shoulder: [0, 10], r_shoulder: [0, 0], l_hip: [30, 10], r_hip: [40, 0] });
    expect(Array.from(pckSizes(coco.truth, coco.visibility, COCO17))).toEqual([Math.hypot(40, 10)]);
  });

  it('boxes only the visible joints of each sample: 0.2 × the diagonal, at least 1 px', () => {
    // Sample 1: snout (10, 20), tailbase (40, 60), the ears absent at the origin → box 30 × 40, diagonal 50.
    const a = pose(mouse, { snout: [10, 20], tailbase: [40, 60] });
    // Sample 2: a single visible joint has no box → 1 px.
    const b = pose(mouse, { snout: [5, 5] });
    const sizes = pckSizes([...a.truth, ...b.truth], [...a.visibility, ...b.visibility], mouse);
    expect(Array.from(sizes)).toEqual([10, 1]);
  });
});

describe('pckIgnoringSides', () => {
  it('counts a paired joint found on its partner, leaves unpaired joints and absent truths as pck does', () => {
    // Joints: 0 = l_wrist, 1 = r_wrist, 2 = head; one sample, normaliser 4 (threshold 2 px at α = 0.5).
    const groundTruth = [0, 0, 0, 10, 5, 5];
    const predicted = [0, 10, 0, 10, 9, 9]; // both wrists on the right wrist; the head 5.7 px off
    const input = { jointCount: 3, predicted, groundTruth, normaliser: [4] };
    expect(pck(input, 0.5).mean).toBeCloseTo(1 / 3, 12);
    const ignoring = pckIgnoringSides(input, 0.5, [[0, 1]]);
    expect(Array.from(ignoring.perJoint)).toEqual([1, 1, 0]);
    expect(ignoring.mean).toBeCloseTo(2 / 3, 12);
    // The partner's truth absent: the left wrist keeps its own (missed) error.
    const partnerAbsent = pckIgnoringSides({ ...input, visibility: [1, -1, 1] }, 0.5, [[0, 1]]);
    expect(Array.from(partnerAbsent.perJoint)).toEqual([0, Number.NaN, 0]);
    expect(Array.from(partnerAbsent.counted)).toEqual([1, 0, 1]);
  });
});
