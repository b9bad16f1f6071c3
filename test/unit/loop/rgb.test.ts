import { describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import { MPII16 } from '@shared/skeletons';
import type { PersonCrop } from '../../../src/main/datasets';
import { evaluateHeatmaps } from '../../../src/main/loop/rgb/evaluation';
import {
  labelsInCrops,
  meanPoseInCrop,
  predictionInImage,
  presentJoints,
  visibilityCode,
} from '../../../src/main/loop/rgb/geometry';

const joint = (u: number | null, v: number | null, visibility: Joint['visibility'] = 'visible'): Joint => ({
  u,
  v,
  d: null,
  visibility,
  state: 'accepted',
});

/** A 66 px crop at (10, 20) resampled to 33 px: 2 image px per crop px. */
const CROP: PersonCrop = { x0: 10, y0: 20, side: 66 };

describe('RGB crop geometry', () => {
  it('codes visibility (−1 absent, 0 occluded, 1 visible) and keeps present joints', () => {
    const label = [joint(1, 2), joint(3, 4, 'occluded'), joint(null, null, 'absent')];
    expect(label.map(visibilityCode)).toEqual([1, 0, -1]);
    expect(presentJoints(label)).toEqual([
      { u: 1, v: 2 },
      { u: 3, v: 4 },
    ]);
  });

  it('puts labels into crop pixels as (row, col), absent joints at 0 with code −1', () => {
    const labels = labelsInCrops([[joint(13.5, 39.5), joint(null, null, 'absent')]], [CROP], 33, 2);
    expect(Array.from(labels.joints)).toEqual([9.5, 1.5, 0, 0]);
    expect(Array.from(labels.visibility)).toEqual([1, -1]);
  });

  it('averages each joint over the samples where it is present', () => {
    const mean = meanPoseInCrop(
      { joints: Float32Array.from([1, 2, 5, 5, 3, 4, 9, 9]), visibility: Int8Array.from([1, -1, 0, -1]) },
      2,
    );
    expect(Array.from(mean)).toEqual([2, 3, 0, 0]);
  });

  it('maps a crop prediction back to image pixels: mean, std per axis, half the aleatoric variance per axis', () => {
    const inImage = predictionInImage(
      {
        location: Float32Array.from([9.5, 1.5]),
        locationStd: Float32Array.from([0.5, 0.25]),
        aleatoricLogVar: Float32Array.from([0]),
      },
      CROP,
      33,
      9, // 4 crop px per grid cell (32 / 8), so 8 image px
    );
    expect(Array.from(inImage.mean)).toEqual([13.5, 39.5, 0]);
    expect(Array.from(inImage.std)).toEqual([0.5, 1, 0]);
    expect(Array.from(inImage.aleatoric!)).toEqual([32, 32, 0]);
  });
});

describe('RGB evaluation (PCKh@0.5)', () => {
  // Identity crop (1 image px per crop px); head top (100, 100) above the neck (100, 120): head size 20 px.
  const crop: PersonCrop = { x0: 0, y0: 0, side: 64 };
  const truth = MPII16.joints.map((_, j) => (j < 2 ? joint(100, 100 + 20 * j) : joint(100 + j, 120 + 2 * j)));
  const inCrop = (shift: (j: number) => number) =>
    Float32Array.from(truth.flatMap((t, j) => [t.v!, t.u! + shift(j)]));

  it('counts a joint correct within half the head size, per joint and overall', () => {
    // Joints 0–7 exact, joints 8–15 15 px off (> 10 px); the mean pose is the truth itself.
    const located = inCrop((j) => (j < 8 ? 0 : 15));
    const meanPose = Float64Array.from(inCrop(() => 0));
    const result = evaluateHeatmaps(MPII16, [truth], [crop], 64, located, meanPose);
    expect(result.pckh).toBe(0.5);
    expect(result.meanPosePckh).toBe(1);
    expect(result.perJoint).toEqual([...Array(8).fill(1), ...Array(8).fill(0)]);
  });

  it('uses the reference threshold (0.316 of the full head diagonal = 10.5 px here) for the reference PCKh', () => {
    const located = inCrop((j) => (j < 4 ? 10.25 : 11));
    const meanPose = Float64Array.from(inCrop(() => 0));
    const result = evaluateHeatmaps(MPII16, [truth], [crop], 64, located, meanPose);
    expect(result.pckh).toBe(0);
    expect(result.referencePckh).toBe(0.25);
  });
});
