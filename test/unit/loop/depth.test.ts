import { describe, expect, it } from 'vitest';
import type { Joint } from '@shared/domain';
import type { CropFrame } from '../../../src/main/datasets';
import type { CropGeometry } from '../../../src/main/learner';
import { evaluateDepth, jointErrors, meanPoseBaseline } from '../../../src/main/loop/depth/evaluation';
import {
  jointsToUvd,
  normalisedTargets,
  poseCentred,
  selectRows,
  stackRows,
  stdToImageSpace,
  toImageSpace,
  varianceToImageSpace,
} from '../../../src/main/loop/depth/geometry';

const joint = (u: number | null, v: number | null, d: number | null): Joint => ({
  u,
  v,
  d,
  visibility: u === null ? 'absent' : 'visible',
  state: 'accepted',
});

/** A hand centred at (160, 120) px, 500 mm, on a 100 px crop; the cube is 320 mm. */
const FRAME: CropFrame = { u: 160, v: 120, d: 500, side: 100, left: 110, top: 70 };
const CUBE = 320;

describe('depth crop geometry', () => {
  it('flattens complete labels to uvd and refuses a label with an absent joint', () => {
    expect(Array.from(jointsToUvd([joint(1, 2, 300), joint(4, 5, 600)])!)).toEqual([1, 2, 300, 4, 5, 600]);
    expect(jointsToUvd([joint(1, 2, 300), joint(null, null, null)])).toBeNull();
  });

  it('normalises labels into the crop and maps model outputs back to pixels and millimetres', () => {
    const uvd = Float64Array.from([185, 95, 580, 160, 120, 500]);
    const y = normalisedTargets([FRAME, FRAME], [uvd, uvd], CUBE);
    expect(Array.from(y.subarray(0, 6))).toEqual([0.25, -0.25, 0.25, 0, 0, 0]);
    expect(Array.from(toImageSpace(y, 1, 6, FRAME, CUBE))).toEqual([185, 95, 580, 160, 120, 500]);
  });

  it('scales std by the crop side (u, v) and the cube (d), variance by their squares', () => {
    const std = Float32Array.from([0, 0, 0, 0.5, 0.25, 0.125]);
    expect(Array.from(stdToImageSpace(std, 1, 3, FRAME.side, CUBE))).toEqual([50, 25, 40]);
    const variance = Float32Array.from([0.25, 0.0625, 0.015625]);
    expect(Array.from(varianceToImageSpace(variance, 0, 3, FRAME.side, CUBE))).toEqual([2500, 625, 1600]);
  });

  it('selects rows of crops, targets and geometry in the given order', () => {
    const batch = {
      x: Float32Array.from([1, 1, 2, 2, 3, 3]),
      y: Float32Array.from([10, 20, 30]),
      geometry: {
        centre: Float64Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3]),
        cropSize: Float64Array.from([10, 20, 30]),
        cube: Float64Array.from([100, 200, 300]),
        intrinsics: Float64Array.from([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]),
      },
    };
    const picked = selectRows(batch, [2, 0], 2, 1);
    expect(picked.count).toBe(2);
    expect(Array.from(picked.x)).toEqual([3, 3, 1, 1]);
    expect(Array.from(picked.y)).toEqual([30, 10]);
    expect(Array.from(picked.geometry.centre)).toEqual([3, 3, 3, 1, 1, 1]);
    expect(Array.from(picked.geometry.cropSize)).toEqual([30, 10]);
    expect(Array.from(picked.geometry.cube)).toEqual([300, 100]);
    expect(Array.from(picked.geometry.intrinsics)).toEqual([3, 3, 3, 3, 1, 1, 1, 1]);
  });
});

describe('stacked training rows', () => {
  it('puts the second set of rows after the first, crops, targets and geometry alike', () => {
    const rows = (base: number) => ({
      x: Float32Array.from([base, base + 1]),
      y: Float32Array.from([base / 10]),
      geometry: {
        centre: Float64Array.from([base, base, base]),
        cropSize: Float64Array.from([base]),
        cube: Float64Array.from([300]),
        intrinsics: Float64Array.from([1, 2, 3, base]),
      },
      count: 1,
    });
    const stacked = stackRows(rows(1), rows(5));
    expect(stacked.count).toBe(2);
    expect(Array.from(stacked.x)).toEqual([1, 2, 5, 6]);
    expect(Array.from(stacked.y)).toEqual([Math.fround(0.1), Math.fround(0.5)]);
    expect(Array.from(stacked.geometry.centre)).toEqual([1, 1, 1, 5, 5, 5]);
    expect(Array.from(stacked.geometry.cropSize)).toEqual([1, 5]);
    expect(Array.from(stacked.geometry.intrinsics)).toEqual([1, 2, 3, 1, 1, 2, 3, 5]);
    expect(stacked.geometry.centre).toBeInstanceOf(Float64Array);
  });
});

describe('depth evaluation (mm)', () => {
  // One frame centred on the optical axis at 500 mm (fx = fy = 500): 1 px at the centre is 1 mm.
  const geometry: CropGeometry = {
    centre: Float64Array.from([0, 0, 500]),
    cropSize: Float64Array.from([100]),
    cube: Float64Array.from([320]),
    intrinsics: Float64Array.from([500, 500, 0, 0]),
  };
  const truth = new Float32Array(6);
  // Joint 0 is 0.125 cube (40 mm) too deep; joint 1 is 0.25 crop (25 px = 25 mm) to the side.
  const predicted = Float32Array.from([0, 0, 0.125, 0.25, 0, 0]);

  it('averages the training targets into the mean pose', () => {
    expect(Array.from(meanPoseBaseline(Float32Array.from([0, 1, 2, 4, 5, 6]), 2))).toEqual([2, 3, 4]);
  });

  it('measures per-joint errors and each frame’s worst joint in camera millimetres', () => {
    expect(jointErrors(predicted, truth, geometry, 1, 2)).toEqual({
      perJoint: [40, 25],
      worstPerFrame: [40],
    });
  });

  it('reports the mean error, the mean-pose baseline and the 20 / 40 mm frame fractions', () => {
    const meanPose = Float32Array.from([0, 0, 0.25, 0, 0, 0]);
    expect(evaluateDepth(predicted, truth, geometry, 1, meanPose)).toEqual({
      testErrorMm: 32.5,
      meanPoseErrorMm: 40,
      framesWithin20Mm: 0,
      framesWithin40Mm: 1,
      perJointErrorMm: [40, 25],
    });
  });
});

describe('pose-centred CoreSet features', () => {
  it('subtracts each row’s own centroid per axis', () => {
    // Two joints per row: row 0 centroid (0.2, 0.3, 0.5), row 1 centroid (−0.1, 0, 1).
    const rows = Float32Array.from([0.1, 0.2, 0.25, 0.3, 0.4, 0.75, -0.2, 0, 1, 0, 0, 1]);
    const out = poseCentred(rows, 6);
    const expected = [-0.1, -0.1, -0.25, 0.1, 0.1, 0.25, -0.1, 0, 0, 0.1, 0, 0];
    out.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('makes a pose and the same pose in a shifted crop identical', () => {
    const pose = Float32Array.from([0.1, -0.2, 0.05, 0.3, 0.1, -0.1, -0.05, 0.2, 0]);
    const shifted = pose.map((value, i) => value + [0.12, -0.07, 0.03][i % 3]!);
    const [a, b] = [poseCentred(pose, 9), poseCentred(Float32Array.from(shifted), 9)];
    a.forEach((value, i) => expect(b[i]).toBeCloseTo(value, 6));
  });
});
